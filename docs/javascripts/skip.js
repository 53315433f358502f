// "Skip to content" moves the keyboard focus to the page's title, not only the view: browsers
// differ on whether following an in-page link moves where the next Tab starts, and the theme's
// instant navigation swaps the page in after the click, so the title is focused once it has.
let skipTo = null;

function focusSkipTarget() {
  const target = skipTo && document.getElementById(skipTo);
  if (!target) return;
  if (!target.hasAttribute("tabindex")) target.tabIndex = -1;
  target.focus();
}

document.addEventListener("click", (event) => {
  const link = event.target.closest("a.md-skip");
  if (!link) return;
  skipTo = decodeURIComponent(link.hash.slice(1));
  focusSkipTarget();
});
document$.subscribe(() => {
  focusSkipTarget();
  skipTo = null;
});
