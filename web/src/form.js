// Labelled form fields and an error line, so every input has a name for screen readers.
import { h } from "./dom.js";

let counter = 0;

export function field(label, input, hint) {
  const id = input.id || "f" + ++counter;
  input.id = id;
  const hintEl = hint ? h("small", { id: id + "-hint", class: "hint" }, hint) : null;
  if (hintEl) input.setAttribute("aria-describedby", hintEl.id);
  return h("div", { class: "field" }, h("label", { for: id }, label), input, hintEl);
}

// An element that shows an ApiError (or nothing) and is announced when it changes.
export function errorLine() {
  const el = h("p", { class: "error", role: "alert", hidden: true });
  el.show = (e) => {
    el.textContent = e ? e.message || String(e) : "";
    el.hidden = !e;
  };
  return el;
}

// Runs an async action with the button disabled, showing any error in `errors`.
export async function busy(button, errors, action) {
  button.disabled = true;
  errors?.show(null);
  try {
    return await action();
  } catch (e) {
    errors?.show(e);
    return undefined;
  } finally {
    button.disabled = false;
  }
}
