// Typeset math with the site's own KaTeX: arithmatex output on Markdown pages, $…$ in notebook
// cells; document$ fires on the first load and again after every instant navigation.
document$.subscribe(({ body }) => {
  renderMathInElement(body, {
    delimiters: [
      { left: "$$", right: "$$", display: true },
      { left: "$", right: "$", display: false },
      { left: "\\(", right: "\\)", display: false },
      { left: "\\[", right: "\\]", display: true },
    ],
    // a notebook cell's source kept as text for its copy button: code, whatever $ it holds
    ignoredClasses: ["clipboard-copy-txt"],
    throwOnError: false,
  });
});
