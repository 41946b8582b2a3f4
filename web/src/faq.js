// The FAQ as the runtime's users see it: global entries merged with the runtime's own.
import { get } from "./api.js";
import { h, clear } from "./dom.js";

export async function faqPanel(el, runtimeId) {
  try {
    const entries = await get("/faq" + (runtimeId ? "?runtime=" + encodeURIComponent(runtimeId) : ""));
    if (!entries.length) return clear(el, h("p", { class: "hint" }, "No questions answered yet."));
    clear(el, entries.map((e) => h("details", { class: "faq" },
      h("summary", {}, e.question),
      e.answer.split(/\n\s*\n/).map((para) => h("p", {}, withCode(para.trim()))))));
  } catch (e) {
    clear(el, h("p", { class: "error" }, e.message));
  }
}

// `text in backticks` as <code>, the rest as text (never as HTML).
function withCode(text) {
  return text.split("`").map((part, i) => (i % 2 ? h("code", {}, part) : part));
}
