"""`GET /api/v1/communities/{slug}/insights`: the figures of the insights page.

Moderators always; members when the community lets them; a member of a community
that keeps its insights private gets 403 with code `insights_private`; somebody
who may not see the community gets the same 404 as for one that does not exist.
"""

from datetime import datetime

from ninja import Field, Router, Schema

from koinon.api.schemas import ERRORS
from koinon.insights import policy
from koinon.insights.figures import community_insights

router = Router(tags=["insights"])


class MonthMembersOut(Schema):
    month: str = Field(..., description="YYYY-MM")
    joined: int
    left: int
    members: int = Field(..., description="Today's members who had joined by the month's end.")


class WeekOut(Schema):
    week: str = Field(..., description="The Monday, YYYY-MM-DD.")
    active_members: int


class ParticipationOut(Schema):
    core: int
    active: int
    peripheral: int
    inactive: int


class NewcomersOut(Schema):
    newcomers: int
    with_mentor: int
    with_mentor_share: float | None
    eligible_30: int
    retained_30: int
    retention_30: float | None
    eligible_90: int
    retained_90: int
    retention_90: float | None


class WaitingQuestionOut(Schema):
    title: str
    url: str
    asked_at: datetime


class QuestionsOut(Schema):
    asked: int
    answered: int
    answered_share: float | None
    median_hours_to_first_answer: float | None
    unanswered: int
    oldest_unanswered: list[WaitingQuestionOut]


class MonthMeetingsOut(Schema):
    month: str
    planned: int
    held: int


class SeriesOut(Schema):
    series_id: int
    title: str
    planned: int
    held: int


class MeetingsOut(Schema):
    per_month: list[MonthMeetingsOut]
    planned_90: int
    held_90: int
    cadence: str
    expected_90: int | None
    cadence_kept: bool | None
    series: list[SeriesOut]
    registered: int
    attended: int
    attendance_rate: float | None


class KnowledgeOut(Schema):
    adoptions_90: int
    practices: int
    practices_in_use: int
    practices_in_use_share: float | None
    resource_uses_90: int
    lessons_90: int
    lessons_total: int
    knowledge_added_90: int


class ActivityOut(Schema):
    recent: int = Field(..., description="Actions in the last 90 days.")
    before: int = Field(..., description="Actions in the 90 days before.")


class CheckOut(Schema):
    key: str
    label: str
    met: bool


class StageOut(Schema):
    key: str = Field(
        ..., description="potential, coalescing, maturing, stewardship, transformation"
    )
    label: str
    description: str
    checks: list[CheckOut]


class InsightsOut(Schema):
    community: str
    computed_at: datetime
    age_days: int
    members: int
    members_can_view: bool
    members_over_time: list[MonthMembersOut]
    weekly_active: list[WeekOut]
    participation: ParticipationOut
    newcomers: NewcomersOut
    questions: QuestionsOut
    meetings: MeetingsOut
    knowledge: KnowledgeOut
    activity: ActivityOut
    stage: StageOut


@router.get(
    "/communities/{slug}/insights",
    response={200: InsightsOut, **ERRORS},
    summary="Health insights of a community",
)
def get_insights(request, slug: str):
    """Members over time, weekly active members, participation levels, newcomer
    retention and mentoring, questions, meetings, knowledge reuse and the life stage."""
    community, _access, members_allowed = policy.get_insights_for(request.user, slug)
    return {**community_insights(community).as_dict(), "members_can_view": members_allowed}
