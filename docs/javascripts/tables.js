// A table too wide for its column is shown stacked: one card per row, each cell under its
// column's name (a copy of the header cell, hidden from screen readers, which read the real
// header). Measured on every page and after a resize, before the scroll boxes are marked
// (scrollable.js), so that a stacked table never scrolls sideways.
const STACKABLE = "article table:not([class])";

function label(table) {
  const names = [...table.querySelectorAll("thead th")];
  for (const row of table.querySelectorAll("tbody tr")) {
    [...row.children].forEach((cell, i) => {
      if (!names[i] || !names[i].textContent.trim()) return;
      const name = document.createElement("span");
      name.className = "cell-label";
      name.setAttribute("aria-hidden", "true");
      name.append(...[...names[i].childNodes].map((n) => n.cloneNode(true)));
      cell.prepend(name);
    });
  }
  table.dataset.labelled = "";
}

function stackTables() {
  for (const table of document.querySelectorAll(STACKABLE)) {
    delete table.dataset.stacked;
    const box = table.closest(".md-typeset__scrollwrap") || table.parentElement;
    if (box.scrollWidth <= box.clientWidth + 1) continue;
    if (!("labelled" in table.dataset)) label(table);
    table.dataset.stacked = "";
  }
}

document$.subscribe(() => document.fonts.ready.then(stackTables));
window.addEventListener("resize", stackTables);
