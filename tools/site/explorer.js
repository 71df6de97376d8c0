// The static explorers of a course page: swap the pictures and texts recorded at build time
// (cnnlab.widgets.export.export_states) as the range and select inputs move. No kernel, no
// network: each explorer's states are inlined in a <script type="application/json">.
(function () {
  "use strict";

  function start(root) {
    const data = JSON.parse(root.querySelector("script.cnnlab-states").textContent);
    // by the number in their attribute: the page order may differ from the grid's order
    const inputs = [];
    const shown = [];
    const slots = [];
    root.querySelectorAll("[data-control]").forEach((e) => (inputs[+e.dataset.control] = e));
    root.querySelectorAll("[data-control-value]").forEach(
      (e) => (shown[+e.dataset.controlValue] = e),
    );
    root.querySelectorAll("[data-slot]").forEach((e) => (slots[+e.dataset.slot] = e));
    const byKey = new Map(data.states.map((s, i) => [s.key.join(","), i]));
    let current = data.initial;

    function show(index) {
      const state = data.states[index];
      current = index;
      state.key.forEach((k, c) => {
        const input = inputs[c];
        if (!input) return;
        input.value = String(k);
        input.disabled = state.disabled[c];
        if (shown[c]) shown[c].textContent = data.controls[c].labels[k];
      });
      state.slots.forEach((s, n) => {
        const el = slots[n];
        if (!el) return;
        const text = data.strings[s];
        if (el.tagName === "IMG") {
          // a hidden picture keeps its place (a colour bar next to an RGB image)
          el.style.visibility = text === "" ? "hidden" : "";
          if (text !== "" && el.getAttribute("src") !== text) el.setAttribute("src", text);
        } else {
          el.style.display = text === "" ? "none" : "";
          if (el.innerHTML !== text) el.innerHTML = text;
        }
      });
    }

    // The recorded state for the inputs' values; if there is none (e.g. a window position the
    // new stride does not reach), the nearest one that keeps the control just moved.
    function find(moved) {
      const key = data.controls.map((_, c) => Number(inputs[c].value));
      const exact = byKey.get(key.join(","));
      if (exact !== undefined) return exact;
      let best = -1;
      let bestDistance = Infinity;
      data.states.forEach((s, i) => {
        if (s.key[moved] !== key[moved]) return;
        const d = s.key.reduce((sum, k, c) => sum + Math.abs(k - key[c]), 0);
        if (d < bestDistance) {
          best = i;
          bestDistance = d;
        }
      });
      return best;
    }

    inputs.forEach((input, c) => {
      input.addEventListener(input.tagName === "SELECT" ? "change" : "input", () => {
        const found = find(c);
        show(found >= 0 ? found : current); // no such state: the input snaps back
      });
    });
    show(current);
  }

  function startAll() {
    document.querySelectorAll(".cnnlab-static").forEach(start);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", startAll);
  } else {
    startAll();
  }
})();
