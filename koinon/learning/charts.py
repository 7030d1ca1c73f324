"""A skill's level over time as SVG coordinates, computed on the server."""

from dataclasses import dataclass

WIDTH, HEIGHT = 600, 240
LEFT, RIGHT, TOP, BOTTOM = 40, 16, 16, 40


@dataclass
class Point:
    x: float
    y: float
    level: int
    day: object

    # Coordinates as text: templates would localise floats ("200,0" in Italian).
    @property
    def sx(self) -> str:
        return f"{self.x}"

    @property
    def sy(self) -> str:
        return f"{self.y}"


def level_chart(points) -> dict:
    """`points` are (date, level) in date order; returns what the SVG template draws."""
    points = list(points)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    if not points:
        return {"points": [], "polyline": "", "width": WIDTH, "height": HEIGHT}
    first, last = points[0][0], points[-1][0]
    span = max((last - first).days, 1)

    def y_of(level):
        return round(TOP + plot_h * (5 - level) / 4, 1)

    shaped = []
    for day, level in points:
        x = LEFT + (plot_w * (day - first).days / span if len(points) > 1 else plot_w / 2)
        shaped.append(Point(round(x, 1), y_of(level), level, day))
    return {
        "points": shaped,
        "polyline": " ".join(f"{p.x},{p.y}" for p in shaped),
        "width": WIDTH,
        "height": HEIGHT,
        "levels": [{"level": n, "y": f"{y_of(n)}"} for n in range(1, 6)],
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "axis_y": HEIGHT - BOTTOM + 24,
        "first": first,
        "last": last,
    }
