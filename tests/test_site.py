"""The built site: headline numbers on the right pages, none of them typed into docs/."""

import json
import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"
NOTEBOOKS = DOCS / "generated" / "notebooks"
MATH = re.compile(r"\$\$(.+?)\$\$|\$(.+?)\$", re.DOTALL)
# In a formula: words (\text{in}, \operatorname{sign}, \mathbb{R}, environments) and sub- and
# superscripts (r_{l-1}, \beta^t) are not symbols of their own; other commands (\frac, \ln,
# \partial, \sum) are operators.
WORDS = re.compile(r"\\(?:text|operatorname|mathrm|mathbb|begin|end)\{[^}]*\}")
SCRIPTS = re.compile(r"[_^](?:\{[^{}]*\}|\\[A-Za-z]+|.)")
GREEK = [
    *["alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta"],
    *["lambda", "mu", "nu", "xi", "pi", "rho", "sigma", "tau", "phi", "varphi", "chi", "psi"],
    *["omega", "Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Phi", "Psi", "Omega"],
]
KEPT = {*GREEK, "bar", "hat", "tilde"}
SYMBOL = re.compile(
    r"\\(?:bar|hat|tilde)\s*\{?\s*(?:\\[A-Za-z]+|[A-Za-z])\}?"
    rf"|\\(?:{'|'.join(GREEK)})(?![A-Za-z])"
    r"|(?<![\\A-Za-z])[A-Za-z](?![A-Za-z])"
)

# page (as built) -> numbers its HTML must show
SHOWN = {
    "index.html": ["48.757", "-10", "212", "1.236e8", "138,357,544"],
    "autodiff/index.html": ["48.757", "-10", "53.565", "31.52641", "1.648721270700128"],
    "adam/index.html": ["-0.8710639468", "-0.5595034902", "-0.3701666124", "0.4736842105"],
    "receptive-field/index.html": ["212", "196"],
    "parameters/index.html": ["138,357,544", "14,714,688", "123,642,856", "1.236e8"],
    "errata/index.html": ["53.565", "138,357,544", "1.23646E+08", "-0.8710639468", "-0.3701666"],
}


def text_of(html: str) -> str:
    """Visible text, roughly: tags dropped, so numbers split by markup still match."""
    return re.sub(r"<[^>]+>", "", html)


@pytest.mark.site
@pytest.mark.parametrize("page", SHOWN)
def test_the_page_shows_its_numbers(site, page):
    text = text_of((site / page).read_text())
    missing = [n for n in SHOWN[page] if n not in text]
    assert not missing, f"{page} does not show {missing}"


@pytest.mark.site
def test_no_headline_number_is_typed_into_the_docs():
    typed = re.compile(
        r"48\.75|42\.11|53\.56|138,357|138357|1\.236|14,714|123,642|0\.119|0\.87106|0\.37016"
        r"|31\.526|1\.64872|86\.985|369\.31|2\.1228|0\.62162"
    )
    for page in DOCS.glob("*.md"):
        hits = typed.findall(page.read_text())
        assert not hits, f"{page.name} types computed numbers by hand: {hits}"


@pytest.mark.site
def test_notebooks_are_pages_with_a_download(site):
    for chapter in ("autodiff", "adam", "cnn"):
        page = site / "generated" / "notebooks" / chapter / "index.html"
        assert "jupyter-wrapper" in page.read_text()
        assert (page.parent / f"{chapter}.ipynb").is_file()


@pytest.mark.site
def test_katex_is_served_by_the_site(site):
    assert (site / "assets" / "katex" / "katex.min.js").is_file()
    assert list((site / "assets" / "katex" / "fonts").glob("*.woff2"))


def symbols(markdown: str) -> set[str]:
    """The symbols in a page's formulas (code blocks skipped): letters, Greek letters, and
    letters with a bar or a hat, as written in TeX (`\\bar{v}` and `\\bar v` alike)."""
    found = set()
    markdown = re.sub(r"```.*?```", "", markdown, flags=re.DOTALL)
    markdown = re.sub(r"\{\{.*?\}\}", "0", markdown)  # a {{ key }} is a number, not a symbol
    for match in MATH.finditer(markdown):
        tex = SCRIPTS.sub(" ", WORDS.sub(" ", match[1] or match[2]))
        tex = re.sub(r"\\([A-Za-z]+)", lambda m: m[0] if m[1] in KEPT else " ", tex)
        found |= {re.sub(r"[\s{}]", "", s) for s in SYMBOL.findall(tex)}
    return found


def test_symbols_are_found():
    found = symbols(
        r"$\hat m_t = m_t/(1 - \beta^t)$, $$\bar{v}_3 = \frac{du}{dx}\text{ at } k'_l$$"
        r" ${{ adam.first_step_1 }}\,\alpha$"
    )
    assert found == {r"\hatm", "m", r"\beta", r"\barv", "k", r"\alpha"}


@pytest.mark.site
def test_the_notation_page_has_every_symbol_of_the_site():
    """Every symbol in a formula of a page or an executed notebook is on the notation page."""
    notation = symbols((DOCS / "notation.md").read_text())
    texts = {p.name: p.read_text() for p in DOCS.glob("*.md") if p.name != "notation.md"}
    for nb in NOTEBOOKS.glob("*.ipynb"):
        cells = json.loads(nb.read_text())["cells"]
        texts[nb.name] = "\n".join(
            "".join(c["source"]) for c in cells if c["cell_type"] == "markdown"
        )
    missing = {name: sorted(symbols(text) - notation) for name, text in texts.items()}
    assert not any(missing.values()), f"symbols not on the notation page: {missing}"


@pytest.mark.site
def test_the_header_links_the_repository_and_the_footer_the_licence(site):
    from conftest import REPOSITORY

    for page in ("index.html", "autodiff/index.html"):
        html = (site / page).read_text()
        assert f'href="{REPOSITORY["REPO_URL"]}"' in html, f"{page}: no repository link"
        assert 'data-md-component="source"' not in html, f"{page}: fetches repository facts"
        (licence,) = re.findall(r'href="([^"]*)">MIT licence</a>', html)
        target = (site / page).parent / licence / "index.html"
        assert "Permission is hereby granted" in target.read_text()
