"""MkDocs hook: a figure with a dark twin (`name-dark.svg`, written beside it by
report/figures.py) is shown as the twin in the dark scheme, with the theme's `#only-light` and
`#only-dark`, so that no page or chapter names the twin itself."""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from report.figures import dark_twin

FIGURE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+\.svg)\)")


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
