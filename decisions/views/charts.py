"""The dashboard's charts: stacked bars of decisions by outcome, and the shared / not shared bar.

The geometry is worked out here; the bars and axis ticks are drawn here too, as SVG built with
``format_html``. Drawn by the template, each of the few hundred numbers went through Django's
localisation, about a tenth of the dashboard's time (bench/profile_manager.py). The numbers are
written as ``str`` writes them, which is what ``localize`` gives for the en-GB formats.
"""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from decisions.questions.base import Outcome

COLOURS = {Outcome.SHARE: "#00703c", Outcome.DO_NOT_SHARE: "#d4351c", Outcome.AWAITING_ADVICE: "#1d70b8"}
CHART = {"width": 720, "height": 260, "left": 48, "bottom": 40, "top": 12, "right": 8}


def nice_ceiling(value: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if value <= step * 4:
            return step * 4 if value else 4
    return ((value // 10000) + 1) * 10000


def bar_chart(series: list[dict], bucket: str) -> dict:
    """Stacked bars of decisions by outcome, as SVG geometry (``chart_marks`` draws it)."""
    width, height = CHART["width"], CHART["height"]
    plot_w = width - CHART["left"] - CHART["right"]
    plot_h = height - CHART["top"] - CHART["bottom"]
    top = nice_ceiling(max((entry["total"] for entry in series), default=0))
    slot = plot_w / max(len(series), 1)
    bar_w = max(slot * 0.7, 2)
    label_every = max(1, len(series) // 12 + (1 if len(series) % 12 else 0)) if len(series) > 12 else 1
    bars = []
    for index, entry in enumerate(series):
        x = CHART["left"] + index * slot + (slot - bar_w) / 2
        y = CHART["top"] + plot_h
        segments = []
        for outcome in (Outcome.SHARE, Outcome.DO_NOT_SHARE, Outcome.AWAITING_ADVICE):
            count = entry[outcome]
            if not count:
                continue
            h = plot_h * count / top
            y -= h
            segments.append(
                {
                    "y": round(y, 1),
                    "height": round(h, 1),
                    "fill": COLOURS[outcome],
                    "count": count,
                    "label": outcome.label,
                }
            )
        label = entry["start"].strftime("%-d %b" if bucket == "week" else "%b %Y")
        bars.append(
            {
                "x": round(x, 1),
                "width": round(bar_w, 1),
                "segments": segments,
                "label": label,
                "label_x": round(x + bar_w / 2, 1),
                "show_label": index % label_every == 0,
                "total": entry["total"],
            }
        )
    ticks = [{"value": top * i // 4, "y": round(CHART["top"] + plot_h - plot_h * i / 4, 1)} for i in range(5)]
    return {
        **CHART,
        "bars": bars,
        "ticks": ticks,
        "plot_right": width - CHART["right"],
        "axis_y": CHART["top"] + plot_h,
        "label_y": CHART["top"] + plot_h + 18,
        "legend": [{"label": o.label, "fill": COLOURS[o]} for o in Outcome],
    }


def rate_bar(share: int, withhold: int) -> dict | None:
    total = share + withhold
    if not total:
        return None
    width = 720
    share_w = round(width * share / total, 1)
    return {
        "width": width,
        "share_w": share_w,
        "withhold_x": share_w,
        "withhold_w": round(width - share_w, 1),
        "share_fill": COLOURS[Outcome.SHARE],
        "withhold_fill": COLOURS[Outcome.DO_NOT_SHARE],
    }


TICK = (
    '<line x1="{left}" x2="{right}" y1="{y}" y2="{y}" stroke="#b1b4b6" stroke-width="1"></line>'
    '<text x="{label_x}" y="{y}" dy="4" text-anchor="end" font-size="12" fill="#0b0c0c"'
    ' font-family="arial, sans-serif">{value}</text>'
)
SEGMENT = (
    '<rect x="{x}" y="{y}" width="{width}" height="{height}" fill="{fill}" stroke="#ffffff"'
    ' stroke-width="1"></rect>'
)
BAR_LABEL = (
    '<text x="{x}" y="{y}" text-anchor="middle" font-size="11" fill="#0b0c0c"'
    ' font-family="arial, sans-serif">{label}</text>'
)


def chart_marks(chart: dict) -> SafeString:
    """The ticks and bars of ``bar_chart``'s geometry, as SVG (the template draws the frame)."""
    ticks = format_html_join(
        "",
        TICK,
        (
            {
                "left": chart["left"],
                "right": chart["plot_right"],
                "label_x": chart["left"] - 6,
                "y": tick["y"],
                "value": tick["value"],
            }
            for tick in chart["ticks"]
        ),
    )
    bars = format_html_join(
        "",
        "<g><title>{} decision{}</title>{}{}</g>",
        (
            (
                f"{bar['label']}: {bar['total']}",
                "" if bar["total"] == 1 else "s",
                format_html_join(
                    "",
                    SEGMENT,
                    ({"x": bar["x"], "width": bar["width"], **segment} for segment in bar["segments"]),
                ),
                format_html(BAR_LABEL, x=bar["label_x"], y=chart["label_y"], label=bar["label"])
                if bar["show_label"]
                else "",
            )
            for bar in chart["bars"]
        ),
    )
    return ticks + bars
