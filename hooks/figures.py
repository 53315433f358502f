"""MkDocs hook: a figure with a dark twin (`name-dark.svg`, written beside it by
report/figures.py) is shown as the twin in the dark scheme, with the theme's `#only-light` and
`#only-dark`, so that no page or chapter names the twin itself. On a notebook page the figure a
cell shows (the light SVG, inline) is swapped for the same pair of files."""

from __future__ import annotations

import base64
import posixpath
import re
import xml.etree.ElementTree as ET
from pathlib import Path, PurePosixPath

from report.figures import dark_twin

FIGURE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+\.svg)\)")
SHOWN = re.compile(r'<img ([^>]*?)src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"')


def on_page_markdown(markdown: str, page, config, **kwargs) -> str:
    folder = PurePosixPath(page.file.src_uri).parent
    docs = config["docs_dir"]

    def both(match: re.Match) -> str:
        alt, src = match.groups()
        twin = dark_twin(PurePosixPath(src))
        if not (Path(docs) / folder / twin).exists():
            return match[0]
        return f"![{alt}]({src}#only-light)![{alt}]({twin}#only-dark)"

    return FIGURE.sub(both, markdown)


def canonical(svg: str) -> str:
    """An SVG's element tree as canonical XML: a file and IPython's copy of it compare equal."""
    return ET.canonicalize(svg[svg.index("<svg") :], strip_text=True)


def generated_figures(docs: str) -> dict[str, str]:
    """Each generated figure that has a dark twin, by its canonical XML: its path in docs/."""
    found = {}
    for path in Path(docs, "generated").glob("*/*.svg"):
        if dark_twin(path).exists():
            found[canonical(path.read_text())] = path.relative_to(docs).as_posix()
    return found


def on_page_content(html: str, page, config, **kwargs) -> str:
    if not page.file.src_uri.endswith(".ipynb"):
        return html
    known = generated_figures(config["docs_dir"])
    here = page.url if page.url.endswith("/") else posixpath.dirname(page.url)

    def both(match: re.Match) -> str:
        attrs, data = match.groups()
        src = known.get(canonical(base64.b64decode(data).decode()))
        if src is None:
            return match[0]
        light = posixpath.relpath(src, here)
        dark = posixpath.relpath(dark_twin(PurePosixPath(src)).as_posix(), here)
        return f'<img {attrs}src="{light}#only-light"><img {attrs}src="{dark}#only-dark"'

    return SHOWN.sub(both, html)
