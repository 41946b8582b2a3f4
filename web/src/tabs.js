// Tabs as the WAI-ARIA pattern: arrow keys move between tabs, one tab stop for the set.
import { h } from "./dom.js";

let counter = 0;

// panels: [{id, label, el, onShow}]; returns {el, show(id)}
export function tabs(label, panels) {
  const n = ++counter;
  const list = h("div", { role: "tablist", "aria-label": label, class: "tablist" });
  const buttons = panels.map((p, i) =>
    h("button", {
      type: "button", role: "tab", id: `tab-${n}-${p.id}`, "aria-controls": `panel-${n}-${p.id}`,
      onclick: () => show(p.id),
      onkeydown: (e) => {
        const step = { ArrowRight: 1, ArrowLeft: -1 }[e.key];
        if (!step) return;
        e.preventDefault();
        const next = panels[(i + step + panels.length) % panels.length];
        show(next.id);
        buttons[panels.indexOf(next)].focus();
      },
    }, p.label),
  );
  list.append(...buttons);
  const wrappers = panels.map((p) =>
    h("div", { role: "tabpanel", id: `panel-${n}-${p.id}`, "aria-labelledby": `tab-${n}-${p.id}`, class: "tabpanel", tabIndex: 0 }, p.el),
  );
  function show(id) {
    panels.forEach((p, i) => {
      const on = p.id === id;
      buttons[i].setAttribute("aria-selected", String(on));
      buttons[i].tabIndex = on ? 0 : -1;
      wrappers[i].hidden = !on;
      if (on) p.onShow?.();
    });
  }
  show(panels[0].id);
  return { el: h("div", { class: "tabs" }, list, ...wrappers), show };
}
