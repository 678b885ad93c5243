"""Server-rendered SVG charts: the same code for the screens and the PDF report."""

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

# Label above its bar: readable on a 360-pixel screen as in an A4 PDF.
WIDTH, BAR_HEIGHT, LABEL_HEIGHT, GAP = 360, 16, 18, 10
ROW = LABEL_HEIGHT + BAR_HEIGHT + GAP


def summary(rows, unit=""):
    """The text alternative of a chart: every bar's label and value, in words."""
    return ", ".join(f"{label} : {value}{unit}" for label, value in rows) or "aucune donnée"


def bar_chart(title, rows, unit=""):
    """A horizontal bar chart of (label, value) rows, as an SVG string with a text
    alternative (role="img", aria-label, and the numbers written beside each bar)."""
    rows = [(str(label), value) for label, value in rows]
    top = max((value for _, value in rows), default=0) or 1
    usable = WIDTH - 50
    bars = []
    for index, (label, value) in enumerate(rows):
        width = max(round(usable * value / top), 1 if value else 0)
        bars.append(
            {
                "label": label if len(label) <= 52 else label[:51] + "…",
                "value": value,
                "label_y": index * ROW + 13,
                "y": index * ROW + LABEL_HEIGHT,
                "text_y": index * ROW + LABEL_HEIGHT + 12,
                "width": width,
                "value_x": width + 6,
            }
        )
    height = max(len(rows) * ROW, ROW)
    return render_to_string(
        "grant/bar_chart.svg",
        {
            "title": title,
            "bars": bars,
            "width": WIDTH,
            "height": height,
            "bar_height": BAR_HEIGHT,
            "summary": f"{title} — {summary(rows, unit)}",
            "unit": unit,
        },
    )


def charts(specs):
    """[(title, SVG)] for (title, rows) pairs; the SVG is marked safe: an escaping template
    builds it."""
    return [(title, mark_safe(bar_chart(title, rows))) for title, rows in specs]


def programme_charts(figures):
    """The charts of the programme's figures, the same on « Pilotage » and in the PDF
    report: {name: (title, SVG)}."""
    specs = programme_chart_specs(figures)
    return dict(zip(specs, charts(specs.values()), strict=True))


def report_charts(figures):
    """{name: {title, svg, alt}}: the PDF prints each chart under its heading, followed by
    its text alternative (WeasyPrint does not carry an SVG's label into the tagged PDF)."""
    specs = programme_chart_specs(figures)
    return {
        name: {"title": title, "svg": svg, "alt": summary(specs[name][1])}
        for name, (title, svg) in programme_charts(figures).items()
    }


def programme_chart_specs(figures):
    """{name: (title, rows)} of the programme's charts."""
    enterprises, activities = figures["enterprises"], figures["activities"]
    return {
        "stages": ("Entreprises par étape du parcours", enterprises["by_stage"]),
        "qpv": ("Entreprises par QPV", enterprises["by_qpv"]),
        "themes": ("Thématiques des activités", activities["themes"][:10]),
    }
