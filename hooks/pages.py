"""MkDocs hook: every page has a description of its own, for search engines and link previews.

Markdown pages carry theirs in front matter; an executed notebook has none, so it gets one naming
its chapter and the script it ran.
"""

from __future__ import annotations

from pathlib import PurePosixPath


def on_page_context(context, page, config, nav):
    if page.file.src_uri.endswith(".ipynb") and not page.meta.get("description"):
        chapter = (page.title or "").removesuffix(", executed")
        script = f"report/{PurePosixPath(page.file.src_uri).stem}.py"
        page.meta["description"] = (
            f"The executed notebook of {chapter}: every cell of {script} with the output it "
            "printed when python -m report ran it, to read here or download."
        )
    return context
