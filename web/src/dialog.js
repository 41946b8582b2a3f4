// Modal dialogs on <dialog>: focus is trapped and Escape closes them, by the browser.
import { h } from "./dom.js";

export function confirmDialog(message, okLabel = "OK") {
  return new Promise((resolve) => {
    const ok = h("button", { type: "button", class: "danger", onclick: () => done(true) }, okLabel);
    const cancel = h("button", { type: "button", onclick: () => done(false) }, "Cancel");
    const dialog = h("dialog", { class: "dialog", "aria-label": okLabel }, h("p", {}, message), h("div", { class: "actions" }, cancel, ok));
    dialog.addEventListener("cancel", () => done(false));
    document.body.append(dialog);
    dialog.showModal();
    cancel.focus();
    function done(value) {
      dialog.close();
      dialog.remove();
      resolve(value);
    }
  });
}

// Asks for a line of text; resolves to it, or null when cancelled.
export function promptDialog(label, value = "", okLabel = "OK") {
  return new Promise((resolve) => {
    const input = h("input", { value, "aria-label": label, spellcheck: "false" });
    const ok = h("button", { type: "submit", class: "primary" }, okLabel);
    const cancel = h("button", { type: "button", onclick: () => done(null) }, "Cancel");
    const form = h("form", { method: "dialog", onsubmit: (e) => { e.preventDefault(); done(input.value.trim() || null); } },
      h("label", {}, label, input), h("div", { class: "actions" }, cancel, ok));
    const dialog = h("dialog", { class: "dialog", "aria-label": label }, form);
    dialog.addEventListener("cancel", () => done(null));
    document.body.append(dialog);
    dialog.showModal();
    input.focus();
    input.select();
    function done(v) {
      dialog.close();
      dialog.remove();
      resolve(v);
    }
  });
}
