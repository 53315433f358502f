// The stepped computational graph: Previous / Next / Play / Reset and a Forward / Backward switch
// over the states report/graph_figure.py embeds beside the SVG (every number in them comes from
// the report). Without JavaScript, and in print, the SVG shows the finished graph. The step is kept
// in sessionStorage: a reload, or coming back by instant navigation, resumes where the reader was.
const PLAY_MS = 1500;

const PANEL = `<div class="bp-graph__side">
  <div class="bp-graph__controls">
    <div role="group" aria-label="Pass">
      <button type="button" data-go="forward">Forward</button>
      <button type="button" data-go="backward">Backward</button>
    </div>
    <div role="group" aria-label="Steps">
      <button type="button" data-go="reset">Reset</button>
      <button type="button" data-go="previous">Previous</button>
      <button type="button" data-go="play" aria-pressed="false">Play</button>
      <button type="button" data-go="next">Next</button>
    </div>
  </div>
  <p class="bp-graph__label"></p>
  <div class="bp-graph__text" aria-live="polite" aria-atomic="true" tabindex="0"></div>
</div>`;

function setUpGraph(figure) {
  if (figure.classList.contains("is-live")) return;
  const { states } = JSON.parse(figure.dataset.states);
  const last = states.length - 1;
  const backward = states.findIndex((s) => s.part === "backward");
  const key = `bp-graph:${location.pathname}#${figure.id}`;
  const clamp = (k) => Math.min(Math.max(k, 0), last);
  const nodes = [...figure.querySelectorAll(".bp-node")];
  const edges = [...figure.querySelectorAll(".bp-edge")];
  // beside each final adjoint (what the static figure shows), one for the adjoint so far
  for (const final of figure.querySelectorAll(".bp-adjoint")) {
    const now = final.cloneNode();
    now.setAttribute("class", "bp-now");
    final.after(now);
  }
  figure.querySelector(".bp-graph__stage").insertAdjacentHTML("afterend", PANEL);
  figure.classList.add("is-live");
  const button = (name) => figure.querySelector(`[data-go="${name}"]`);
  let step = clamp(Number(sessionStorage.getItem(key)) || 0);
  let timer = null;

  function show(k) {
    step = clamp(k);
    sessionStorage.setItem(key, String(step));
    const state = states[step];
    const mark = (list, id) => list.includes(id);
    for (const node of nodes) {
      const id = node.dataset.node;
      node.classList.toggle("is-known", mark(state.known, id));
      node.classList.toggle("is-active", mark(state.active, id));
      node.classList.toggle("is-target", mark(state.targets, id));
      const now = node.querySelector(".bp-now");
      if (now) now.textContent = state.adjoints[id] || "";
    }
    for (const edge of edges) edge.classList.toggle("is-active", mark(state.edges, edge.dataset.edge));
    figure.querySelector(".bp-graph__label").textContent = state.label;
    const text = figure.querySelector(".bp-graph__text");
    text.replaceChildren(...state.lines.map((line) => Object.assign(document.createElement("p"), { textContent: line })));
    button("forward").setAttribute("aria-pressed", String(state.part === "forward"));
    button("backward").setAttribute("aria-pressed", String(state.part === "backward"));
    // aria-disabled, not disabled: a button that is pressed to the end keeps the focus
    button("previous").setAttribute("aria-disabled", String(step === 0));
    button("next").setAttribute("aria-disabled", String(step === last));
  }

  function stop() {
    clearInterval(timer);
    timer = null;
    button("play").setAttribute("aria-pressed", "false");
    button("play").textContent = "Play";
  }

  function play() {
    if (timer) return stop();
    if (step === last) show(0);
    button("play").setAttribute("aria-pressed", "true");
    button("play").textContent = "Pause";
    timer = setInterval(() => {
      if (!figure.isConnected || step === last) return stop();
      show(step + 1);
    }, PLAY_MS);
  }

  const actions = {
    forward: () => show(0),
    backward: () => show(backward),
    reset: () => show(0),
    previous: () => show(step - 1),
    next: () => show(step + 1),
    play,
  };
  const keys = { ArrowRight: "next", ArrowLeft: "previous", Home: "reset", End: null };
  figure.addEventListener("click", (event) => {
    const name = event.target.closest("[data-go]")?.dataset.go;
    if (!name) return;
    if (name !== "play") stop();
    actions[name]();
  });
  figure.addEventListener("keydown", (event) => {
    if (!(event.key in keys) || !event.target.closest(".bp-graph__controls")) return;
    event.preventDefault();
    stop();
    if (event.key === "End") show(last);
    else actions[keys[event.key]]();
  });
  show(step);
}

document$.subscribe(() => document.querySelectorAll(".bp-graph").forEach(setUpGraph));
