"""What the dashboards draw: each chart's labels and series, for the JSON
island ``static/js/reports.js`` reads, and the same numbers as table rows."""

from __future__ import annotations

from typing import Any

from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from reports.figures import Figures
from tickets.html import fast_html
from tickets.models import SlaClock, status_label


def duration(seconds: int | None) -> str:
    """A length of time as people read it: "45 min", "3 h 20 min", "2 d 4 h"."""
    if seconds is None:
        return "—"
    minutes = seconds // 60
    if minutes < 60:
        return _("%(m)d min") % {"m": minutes}
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return _("%(h)d h %(m)d min") % {"h": hours, "m": minutes}
    days, hours = divmod(hours, 24)
    return _("%(d)d d %(h)d h") % {"d": days, "h": hours}


def age_labels() -> dict[str, str]:
    return {
        "under_1d": _("Under a day"),
        "1_3d": _("1 to 3 days"),
        "3_7d": _("3 to 7 days"),
        "7_30d": _("7 to 30 days"),
        "over_30d": _("Over 30 days"),
    }


def _chart(key: str, title: str, kind: str, labels: list[str], series: list[tuple[str, list[int]]]):
    rows = [
        {"label": label, "values": [data[i] for _, data in series]}
        for i, label in enumerate(labels)
    ]
    return {
        "id": key,
        "title": title,
        "type": kind,
        "labels": labels,
        "datasets": [{"label": name, "data": data} for name, data in series],
        # The table behind the chart: one row per label, one column per series.
        "columns": [name for name, _ in series],
        "rows": rows,
        "body": _table_body(rows),
    }


def _table_body(rows: list[dict[str, Any]]) -> SafeString:
    """The rows of the table behind a chart, built here: a thousand cells of
    template loops were 30 ms of the support dashboard. The counts are whole
    numbers, written as the template wrote them (no thousands separator)."""
    return SafeString(
        "".join(
            fast_html('<tr><th scope="row">{}</th>', row["label"])
            + "".join(f"<td>{int(value)}</td>" for value in row["values"])
            + "</tr>"
            for row in rows
        )
    )


def island(charts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What ``static/js/reports.js`` draws from: the charts without their tables."""
    keep = ("id", "title", "type", "labels", "datasets")
    return [{key: chart[key] for key in keep} for chart in charts]


def charts(figures: Figures, *, internal: bool) -> list[dict[str, Any]]:
    created, solved = _("Created"), _("Solved")
    days = [date_format(day, "SHORT_DATE_FORMAT") for day in figures.days]
    out = [
        _chart(
            "volume",
            _("Created and solved per day"),
            "line",
            days,
            [(created, figures.created), (solved, figures.solved)],
        ),
        _chart(
            "backlog-status",
            _("Backlog by status"),
            "bar",
            [status_label(s) for s in figures.backlog_by_status],
            [(_("Tickets"), list(figures.backlog_by_status.values()))],
        ),
        _chart(
            "backlog-age",
            _("Backlog by age"),
            "bar",
            [age_labels()[k] for k in figures.backlog_by_age],
            [(_("Tickets"), list(figures.backlog_by_age.values()))],
        ),
        _breakdown("channels", _("By channel"), figures.by_channel),
        _breakdown("categories", _("By category"), figures.by_category),
    ]
    if figures.sla:
        labels = [_kind_label(row.kind) for row in figures.sla]
        out.append(
            _chart(
                "sla",
                _("Service-level targets"),
                "bar",
                labels,
                [
                    (_("Met"), [row.met for row in figures.sla]),
                    (_("Missed"), [row.total - row.met for row in figures.sla]),
                ],
            )
        )
    if internal:
        out.append(_breakdown("organizations", _("By organisation"), figures.by_organization))
        out.append(_breakdown("tiers", _("By tier"), figures.by_tier))
        out.append(
            _chart(
                "agents",
                _("Per agent"),
                "bar",
                [row.name for row in figures.agents],
                [
                    (solved, [row.solved for row in figures.agents]),
                    (_("Open now"), [row.open for row in figures.agents]),
                ],
            )
        )
    return out


def _breakdown(key: str, title: str, rows: list[dict[str, Any]]):
    return _chart(
        key,
        title,
        "bar",
        [row["name"] for row in rows],
        [
            (_("Created"), [row["created"] for row in rows]),
            (_("Solved"), [row["solved"] for row in rows]),
        ],
    )


def _kind_label(kind: str) -> str:
    return str(SlaClock.Kind(kind).label) if kind in SlaClock.Kind.values else kind


def sla_rows(figures: Figures) -> list[dict[str, Any]]:
    """The service-level table: per kind of target, met, decided and the share met."""
    return [
        {
            "kind": row.kind,
            "label": _kind_label(row.kind),
            "met": row.met,
            "total": row.total,
            "percent": row.percent,
        }
        for row in figures.sla
    ]
