"""The layout's stylesheets as WeasyPrint gets them: plain CSS files as they are, *.css.j2 ones
rendered with the manifest's geometry and the ecosystem colours (CMYK in print, else RGB)."""

from __future__ import annotations

from klastroviny.bulletin.edition import Edition
from klastroviny.render.layouts import ecosystem_colours

Stylesheets = tuple[tuple[str, str], ...]  # (file, css text), in cascade order


def stylesheets(edition: Edition) -> Stylesheets:
    layout, sheets, env = edition.layout, [], None
    for name in layout.stylesheets:
        path = layout.find(name)
        if name.endswith(".j2"):
            env = env or layout.jinja_environment()
            text = env.get_template(name).render(
                layout=layout,
                colours=ecosystem_colours(),
                print=edition.print_mode,
                colour=lambda c: css_colour(c, edition.print_mode),
            )
        else:
            text = path.read_text(encoding="utf-8")
        sheets.append((str(path), text))
    return tuple(sheets)


def css_colour(colour: dict, print_mode: bool) -> str:
    if print_mode:
        c, m, y, k = (value / 100 for value in colour["cmyk"])
        return f"device-cmyk({c:g} {m:g} {y:g} {k:g})"
    return colour["rgb"]
