// A box that scrolls sideways (display math, a wide table, notebook code) must be reachable with
// the keyboard: each one that overflows is made focusable, on every page and after a resize.
const SCROLLERS = [
  ".md-typeset div.arithmatex",
  ".md-typeset__scrollwrap",
  ".jupyter-wrapper .highlight-ipynb",
  ".jupyter-wrapper .jp-OutputArea-output",
].join(", ");

function focusScrollers() {
  for (const box of document.querySelectorAll(SCROLLERS)) {
    if (box.scrollWidth > box.clientWidth) box.tabIndex = 0;
    else box.removeAttribute("tabindex");
  }
}

// Widths settle once the math fonts have loaded.
document$.subscribe(() => document.fonts.ready.then(focusScrollers));
window.addEventListener("resize", focusScrollers);
