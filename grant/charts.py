"""Server-rendered SVG charts: the same code for the screens and the PDF report."""

from django.template.loader import render_to_string

WIDTH, BAR_HEIGHT, GAP, LABEL_WIDTH = 640, 22, 8, 260


def bar_chart(title, rows, unit=""):
    """A horizontal bar chart of (label, value) rows, as an SVG string with a text
    alternative (role="img", aria-label, and the numbers written beside each bar)."""
    rows = [(str(label), value) for label, value in rows]
    top = max((value for _, value in rows), default=0) or 1
    usable = WIDTH - LABEL_WIDTH - 70
    bars = [
        {
            "label": label if len(label) <= 38 else label[:37] + "…",
            "full_label": label,
            "value": value,
            "y": index * (BAR_HEIGHT + GAP),
            "text_y": index * (BAR_HEIGHT + GAP) + BAR_HEIGHT * 0.7,
            "width": max(round(usable * value / top), 1 if value else 0),
            "value_x": LABEL_WIDTH + max(round(usable * value / top), 1) + 6,
        }
        for index, (label, value) in enumerate(rows)
    ]
    height = max(len(rows) * (BAR_HEIGHT + GAP), BAR_HEIGHT)
    summary = ", ".join(f"{label} : {value}{unit}" for label, value in rows) or "aucune donnée"
    return render_to_string(
        "grant/bar_chart.svg",
        {
            "title": title,
            "bars": bars,
            "width": WIDTH,
            "height": height,
            "label_width": LABEL_WIDTH,
            "bar_height": BAR_HEIGHT,
            "summary": f"{title} — {summary}",
            "unit": unit,
        },
    )
