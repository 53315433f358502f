"""MkDocs hook: serve KaTeX from the site itself, from the pinned npm package (not committed)."""

from __future__ import annotations

from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

KATEX = Path(__file__).resolve().parent.parent / "node_modules" / "katex" / "dist"
WANTED = ("katex.min.js", "katex.min.css", "contrib/auto-render.min.js", "fonts/*")


def on_files(files: Files, config) -> Files:
    if not KATEX.is_dir():
        raise PluginError(f"{KATEX} is missing: run `make setup` (npm ci installs KaTeX)")
    for pattern in WANTED:
        for path in sorted(KATEX.glob(pattern)):
            uri = f"assets/katex/{path.relative_to(KATEX).as_posix()}"
            files.append(File.generated(config, uri, abs_src_path=str(path)))
    return files
