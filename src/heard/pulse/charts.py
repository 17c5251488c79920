"""Server-side SVG charts for pulse pages. Each takes the same data dict the API returns;
every chart has a title and description, and the page shows the numbers in a table too."""

from __future__ import annotations

from html import escape
from typing import Any

INK, MUTED, LINE = "#1b2330", "#4a5565", "#d8dee6"
ACTUAL, PREDICTED, OVER, UNDER = "#0f5f5c", "#b4471f", "#a8261b", "#1f6feb"


def _svg(width: int, height: int, title: str, desc: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'class="chart" role="img" aria-labelledby="t d">'
        f'<title id="t">{escape(title)}</title><desc id="d">{escape(desc)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def gap_chart(gap: dict[str, Any]) -> str:
    """Per item: the team's mean with its 95% interval (whisker) and the leader's
    prediction (diamond), joined by a line coloured by the gap's sign."""
    rows = gap["items"]
    label_w, plot_w, row_h, top = 300, 420, 34, 30
    width, height = label_w + plot_w + 20, top + row_h * len(rows) + 20
    lo, hi = 1.0, 5.0

    def x(value: float, item: dict[str, Any]) -> float:
        smin, smax = item["scale"]
        scaled = 1 + 4 * (value - smin) / (smax - smin)
        return float(label_w + (scaled - lo) / (hi - lo) * plot_w)

    body = []
    for tick in range(1, 6):
        tx = label_w + (tick - lo) / (hi - lo) * plot_w
        body.append(
            f'<line x1="{tx:.1f}" y1="{top - 8}" x2="{tx:.1f}" y2="{height - 16}" stroke="{LINE}"/>'
        )
        body.append(
            f'<text x="{tx:.1f}" y="{top - 12}" font-size="12" fill="{MUTED}" '
            f'text-anchor="middle">{tick}</text>'
        )
    for i, item in enumerate(rows):
        y = top + i * row_h + row_h / 2
        text = item["item"] if len(item["item"]) <= 44 else item["item"][:42] + "…"
        body.append(
            f'<text x="0" y="{y + 4:.1f}" font-size="13" fill="{INK}">{escape(text)}</text>'
        )
        if item["actual_mean"] is None:
            continue
        ax = x(item["actual_mean"], item)
        body.append(
            f'<line x1="{x(item["ci_low"], item):.1f}" y1="{y:.1f}" '
            f'x2="{x(item["ci_high"], item):.1f}" y2="{y:.1f}" stroke="{ACTUAL}" '
            f'stroke-width="2"/>'
        )
        if item["predicted_mean"] is not None:
            px = x(item["predicted_mean"], item)
            colour = OVER if item["gap"] > 0 else UNDER
            body.append(
                f'<line x1="{ax:.1f}" y1="{y:.1f}" x2="{px:.1f}" y2="{y:.1f}" '
                f'stroke="{colour}" stroke-width="3" stroke-opacity=".45"/>'
            )
            body.append(
                f'<path d="M{px:.1f} {y - 7:.1f} l7 7 l-7 7 l-7 -7z" fill="{PREDICTED}">'
                f"<title>predicted {item['predicted_mean']}</title></path>"
            )
        body.append(
            f'<circle cx="{ax:.1f}" cy="{y:.1f}" r="6" fill="{ACTUAL}">'
            f"<title>team {item['actual_mean']} "
            f"(95% CI {item['ci_low']}–{item['ci_high']})</title></circle>"
        )
    desc = "; ".join(
        f"{r['item']}: team {r['actual_mean']}, predicted {r['predicted_mean']}"
        for r in rows
        if r["actual_mean"] is not None
    )
    return _svg(width, height, "Predicted against actual, per item", desc, body)


def trend_chart(trend: list[dict[str, Any]], key: str = "mean_abs_gap") -> str:
    """The mean absolute gap across rounds (gaps in suppressed rounds are left out)."""
    points = [(i, p[key]) for i, p in enumerate(trend) if p.get(key) is not None]
    width, height, left, top, bottom = 640, 200, 44, 16, 40
    plot_w, plot_h = width - left - 16, height - top - bottom
    top_value = max([1.0] + [v for _, v in points])
    body = [
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 16}" y2="{top + plot_h}" '
        f'stroke="{LINE}"/>',
        f'<text x="{left - 6}" y="{top + 4}" font-size="11" fill="{MUTED}" '
        f'text-anchor="end">{top_value:.1f}</text>',
        f'<text x="{left - 6}" y="{top + plot_h}" font-size="11" fill="{MUTED}" '
        f'text-anchor="end">0</text>',
    ]
    step = plot_w / max(len(trend) - 1, 1)
    for i, p in enumerate(trend):
        body.append(
            f'<text x="{left + i * step:.1f}" y="{height - 18}" font-size="11" '
            f'fill="{MUTED}" text-anchor="middle">{escape(p["round"]["name"][:14])}</text>'
        )
    coords = [(left + i * step, top + plot_h * (1 - v / top_value)) for i, v in points]
    if len(coords) > 1:
        path = " ".join(f"{cx:.1f},{cy:.1f}" for cx, cy in coords)
        body.append(
            f'<polyline points="{path}" fill="none" stroke="{PREDICTED}" stroke-width="2.5"/>'
        )
    for (cx, cy), (_, v) in zip(coords, points, strict=True):
        body.append(
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="4" fill="{PREDICTED}">'
            f"<title>{v}</title></circle>"
        )
    desc = ", ".join(f"{trend[i]['round']['name']}: {v}" for i, v in points)
    return _svg(width, height, "Mean absolute gap by round", desc, body)


def histogram_chart(distribution: dict[str, Any]) -> str:
    """How leaders' mean gaps spread: left of zero underestimates, right overestimates."""
    bins = distribution.get("histogram", [])
    width, height, left, top, bottom = 640, 180, 20, 12, 36
    plot_w, plot_h = width - 2 * left, height - top - bottom
    tallest = max([1] + [b["leaders"] for b in bins])
    bar_w = plot_w / max(len(bins), 1)
    body = []
    for i, b in enumerate(bins):
        h = plot_h * b["leaders"] / tallest
        colour = OVER if b["from"] >= 0 else UNDER
        body.append(
            f'<rect x="{left + i * bar_w + 1:.1f}" y="{top + plot_h - h:.1f}" '
            f'width="{bar_w - 2:.1f}" height="{h:.1f}" fill="{colour}">'
            f"<title>{b['from']} to {b['to']}: {b['leaders']} leaders</title></rect>"
        )
    for value in (-2, -1, 0, 1, 2):
        tx = left + (value + 2) / 4 * plot_w
        body.append(
            f'<text x="{tx:.1f}" y="{height - 14}" font-size="11" fill="{MUTED}" '
            f'text-anchor="middle">{value:+d}</text>'
        )
    desc = ", ".join(f"{b['from']} to {b['to']}: {b['leaders']}" for b in bins if b["leaders"])
    return _svg(width, height, "Distribution of leaders' mean gaps", desc, body)


def experiment_chart(series: list[dict[str, Any]]) -> str:
    """An experiment's team against its comparison teams per round (1-5 range), with the
    change marked between the last baseline round and the first round after it."""
    width, height, left, right, top, bottom = 640, 220, 70, 50, 16, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [p[k] for p in series for k in ("team", "comparison") if p[k] is not None]
    lo = max(1.0, min(values, default=1.0) - 0.3)
    hi = min(5.0, max(values, default=5.0) + 0.3)
    hi = max(hi, lo + 0.5)
    step = plot_w / max(len(series) - 1, 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return left + i * step, top + plot_h * (1 - (v - lo) / (hi - lo))

    body = [
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" '
        f'stroke="{LINE}"/>',
        f'<text x="{left - 30}" y="{top + 4}" font-size="11" fill="{MUTED}" '
        f'text-anchor="end">{hi:.1f}</text>',
        f'<text x="{left - 30}" y="{top + plot_h}" font-size="11" fill="{MUTED}" '
        f'text-anchor="end">{lo:.1f}</text>',
    ]
    first_after = next((i for i, p in enumerate(series) if p["after_change"]), None)
    if first_after is not None:
        cx = left + (first_after - (0.5 if first_after else 0)) * step
        body.append(
            f'<line x1="{cx:.1f}" y1="{top}" x2="{cx:.1f}" y2="{top + plot_h}" '
            f'stroke="{INK}" stroke-dasharray="4 4"/>'
            f'<text x="{cx + 4:.1f}" y="{top + 10}" font-size="11" fill="{INK}">change</text>'
        )
    for i, p in enumerate(series):
        body.append(
            f'<text x="{left + i * step:.1f}" y="{height - 24}" font-size="11" '
            f'fill="{MUTED}" text-anchor="middle">{escape(_short(p["round"]["name"]))}</text>'
        )
    lines = (("team", ACTUAL, ""), ("comparison", MUTED, ' stroke-dasharray="6 4"'))
    for key, colour, dash in lines:
        coords = [xy(i, p[key]) for i, p in enumerate(series) if p[key] is not None]
        if len(coords) > 1:
            path = " ".join(f"{cx:.1f},{cy:.1f}" for cx, cy in coords)
            body.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" '
                f'stroke-width="2.5"{dash}/>'
            )
        for (cx, cy), p in zip(coords, [p for p in series if p[key] is not None], strict=True):
            body.append(
                f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="4" fill="{colour}">'
                f"<title>{escape(p['round']['name'])}: {key} {p[key]}</title></circle>"
            )
    body.append(
        f'<text x="{left}" y="{height - 6}" font-size="11" fill="{ACTUAL}">— this team</text>'
        f'<text x="{left + 110}" y="{height - 6}" font-size="11" fill="{MUTED}">'
        "- - similar teams (mean)</text>"
    )
    desc = "; ".join(
        f"{p['round']['name']}: team {p['team']}, similar teams {p['comparison']}" for p in series
    )
    return _svg(width, height, "This team against similar teams, per round", desc, body)


def _short(name: str) -> str:
    """A round name short enough for an axis label ("Pulse March 2026" -> "March 2026")."""
    name = name.removeprefix("Pulse ").strip()
    return name if len(name) <= 12 else name[:11] + "…"
