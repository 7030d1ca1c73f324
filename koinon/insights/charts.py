"""The charts of the insights page: each is one table (columns and rows) that the page
shows as a table, the CSV export writes out, and the chart script draws."""

from dataclasses import dataclass
from datetime import date

from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _


@dataclass
class Chart:
    key: str
    title: str
    description: str
    kind: str  # the Chart.js type: "line" or "bar"
    columns: list  # [(key, heading)]; the first is the label column
    rows: list  # [{column key: value}]
    labels: list  # what the first column shows on the page

    @property
    def element_id(self) -> str:
        return f"chart-data-{self.key}"

    def table(self) -> list[list]:
        """The rows as the page shows them: the label, then the numbers."""
        keys = [key for key, _heading in self.columns[1:]]
        return [
            [label] + [row[k] for k in keys]
            for label, row in zip(self.labels, self.rows, strict=True)
        ]

    def csv_rows(self) -> list[list]:
        keys = [key for key, _heading in self.columns]
        return [[str(h) for _k, h in self.columns]] + [[row[k] for k in keys] for row in self.rows]

    def data(self) -> dict:
        """What the chart script needs (read from a json_script element)."""
        return {
            "type": self.kind,
            "labels": [str(label) for label in self.labels],
            "datasets": [
                {"label": str(heading), "data": [row[key] for row in self.rows]}
                for key, heading in self.columns[1:]
            ],
        }


def _month(value: str) -> str:
    year, month = value.split("-")
    return date_format(date(int(year), int(month), 1), "YEAR_MONTH_FORMAT")


def _week(value: str) -> str:
    return date_format(date.fromisoformat(value), "SHORT_DATE_FORMAT")


LEVEL_LABELS = {
    "core": _("Core"),
    "active": _("Active"),
    "peripheral": _("Peripheral"),
    "inactive": _("Inactive"),
}


def charts_for(insights) -> list[Chart]:
    members = insights.members_over_time
    weeks = insights.weekly_active
    meetings = insights.meetings["per_month"]
    levels = [{"level": key, "members": insights.participation[key]} for key in LEVEL_LABELS]
    return [
        Chart(
            "members",
            str(_("Members over time")),
            str(_("At the end of each month: members who had joined, newcomers and departures.")),
            "line",
            [
                ("month", _("Month")),
                ("members", _("Members")),
                ("joined", _("Joined")),
                ("left", _("Left")),
            ],
            members,
            [_month(r["month"]) for r in members],
        ),
        Chart(
            "weekly-active",
            str(_("Weekly active members")),
            str(_("Members who did anything in the community, week by week (Monday to Sunday).")),
            "line",
            [("week", _("Week starting")), ("active_members", _("Active members"))],
            weeks,
            [_week(r["week"]) for r in weeks],
        ),
        Chart(
            "participation",
            str(_("Participation levels")),
            str(_("Members by their number of actions in the last 90 days.")),
            "bar",
            [("level", _("Level")), ("members", _("Members"))],
            levels,
            [str(LEVEL_LABELS[r["level"]]) for r in levels],
        ),
        Chart(
            "meetings",
            str(_("Meetings planned and held")),
            str(
                _(
                    "Per month: meetings planned (cancelled ones included) and held "
                    "(not cancelled, with attendance recorded)."
                )
            ),
            "bar",
            [("month", _("Month")), ("planned", _("Planned")), ("held", _("Held"))],
            meetings,
            [_month(r["month"]) for r in meetings],
        ),
    ]


def chart_by_key(insights, key: str) -> Chart | None:
    return next((c for c in charts_for(insights) if c.key == key), None)
