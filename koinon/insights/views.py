"""The insights page of a community, its CSV exports and the switch of who may read it."""

import csv

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from koinon.insights import actions, figures, policy, stages
from koinon.insights.charts import chart_by_key, charts_for
from koinon.insights.figures import community_insights
from koinon.lib.errors import ActionError


def _refused(request, error: ActionError):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return render(request, "insights/forbidden.html", {"message": error.message}, status=403)


def insights_page(request, slug):
    try:
        community, access, members_allowed = policy.get_insights_for(request.user, slug)
    except ActionError as error:
        return _refused(request, error)
    insights = community_insights(community)
    context = {
        "community": community,
        "access": access,
        "members_allowed": members_allowed,
        "can_change": policy.can_change_settings(access),
        "insights": insights,
        "charts": charts_for(insights),
        "summary": summary_rows(insights),
        "rules": {
            "core": figures.CORE_MIN,
            "active": figures.ACTIVE_MIN,
            "active_max": figures.CORE_MIN - 1,
            "peripheral_max": figures.ACTIVE_MIN - 1,
        },
        "stages": [(key, label, text) for key, (label, text) in stages.STAGES.items()],
    }
    return render(request, "insights/insights.html", context)


@require_POST
def insights_visibility(request, slug):
    try:
        community, _access, _allowed = policy.get_insights_for(request.user, slug)
        actions.do_set_insights_visibility(
            request.user, community, request.POST.get("members_can_view") == "on"
        )
    except ActionError as error:
        return _refused(request, error)
    messages.success(request, _("Saved: who may read the insights."))
    return redirect("community-insights", slug)


def insights_csv(request, slug, chart):
    try:
        community, _access, _allowed = policy.get_insights_for(request.user, slug)
    except ActionError as error:
        return _refused(request, error)
    insights = community_insights(community)
    if chart == "figures":
        rows = [[_("Figure"), _("Value")]] + [
            [label, value] for _k, label, value in summary_rows(insights)
        ]
    else:
        found = chart_by_key(insights, chart)
        if found is None:
            raise Http404
        rows = found.csv_rows()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{community.slug}-{chart}.csv"'
    csv.writer(response).writerows(rows)
    return response


def _blank(value):
    return "" if value is None else value


def summary_rows(insights) -> list[tuple]:
    """(key, label, value) of every single figure, for the page's list and the CSV."""
    p, n, q, m, k = (
        insights.participation,
        insights.newcomers,
        insights.questions,
        insights.meetings,
        insights.knowledge,
    )
    rows = [
        ("members", _("Members"), insights.members),
        ("core", _("Core members"), p["core"]),
        ("active", _("Active members"), p["active"]),
        ("peripheral", _("Peripheral members"), p["peripheral"]),
        ("inactive", _("Inactive members"), p["inactive"]),
        ("newcomers", _("Newcomers in the last 365 days"), n["newcomers"]),
        ("retention_30", _("Newcomers still taking part after 30 days (%)"), n["retention_30"]),
        ("retention_90", _("Newcomers still taking part after 90 days (%)"), n["retention_90"]),
        ("with_mentor_share", _("Newcomers with a mentor (%)"), n["with_mentor_share"]),
        ("questions_asked", _("Questions asked in the last 90 days"), q["asked"]),
        ("answered_share", _("Questions answered (%)"), q["answered_share"]),
        (
            "median_hours",
            _("Median time to the first answer (hours)"),
            q["median_hours_to_first_answer"],
        ),
        ("unanswered", _("Questions waiting for an answer"), q["unanswered"]),
        ("planned_90", _("Meetings planned in the last 90 days"), m["planned_90"]),
        ("held_90", _("Meetings held in the last 90 days"), m["held_90"]),
        ("expected_90", _("Meetings the cadence asks for in 90 days"), m["expected_90"]),
        ("attendance_rate", _("Attendance rate (%)"), m["attendance_rate"]),
        ("adoptions_90", _("Practice adoptions in the last 90 days"), k["adoptions_90"]),
        ("practices_in_use_share", _("Practices in use (%)"), k["practices_in_use_share"]),
        ("resource_uses_90", _("Resource uses in the last 90 days"), k["resource_uses_90"]),
        ("lessons_90", _("Lessons logged in the last 90 days"), k["lessons_90"]),
        ("lessons_total", _("Lessons logged in all"), k["lessons_total"]),
        ("stage", _("Life stage"), insights.stage["label"]),
    ]
    return [(key, label, _blank(value)) for key, label, value in rows]
