// The project's environment variables; values are masked until revealed.
import { get, put, del } from "./api.js";
import { h, clear, toast } from "./dom.js";
import { field, errorLine, busy } from "./form.js";

export class EnvPanel {
  constructor(projectId) {
    this.projectId = projectId;
    this.el = h("div", { class: "env" });
  }

  async load() {
    let env;
    try {
      env = await get(`/projects/${this.projectId}/env`);
    } catch (e) {
      clear(this.el, h("p", { class: "hint" }, e.status === 403 ? "Only the owner sees and sets this project's variables." : e.message));
      return;
    }
    const names = Object.keys(env).sort();
    const name = h("input", { name: "env-name", autocomplete: "off", spellcheck: "false", pattern: "[A-Za-z_][A-Za-z0-9_]{0,127}", required: true });
    const value = h("input", { name: "env-value", type: "password", autocomplete: "off" });
    const errors = errorLine();
    const add = h("button", { type: "submit", class: "small" }, "Set");
    clear(this.el,
      h("p", { class: "hint" }, "Variables reach only your own runs, never someone else's run of this project, and forks do not copy them."),
      names.length ? h("ul", { class: "env-list" }, names.map((n) => this.row(n, env[n]))) : h("p", { class: "hint" }, "No variables set."),
      h("form", { class: "env-form", onsubmit: (e) => {
        e.preventDefault();
        busy(add, errors, async () => {
          await put(`/projects/${this.projectId}/env/${encodeURIComponent(name.value.trim())}`, { value: value.value });
          toast(`Set ${name.value.trim()}`);
          this.load();
        });
      } }, field("Name", name), field("Value", value), add, errors));
  }

  row(name, value) {
    const shown = h("code", { class: "env-value", "aria-live": "polite" }, "••••••••");
    let revealed = false;
    const reveal = h("button", { type: "button", class: "small ghost", "aria-label": "Reveal " + name,
      onclick: () => {
        revealed = !revealed;
        shown.textContent = revealed ? value : "••••••••";
        reveal.textContent = revealed ? "Hide" : "Reveal";
        reveal.setAttribute("aria-label", (revealed ? "Hide " : "Reveal ") + name);
      } }, "Reveal");
    return h("li", {}, h("code", { class: "env-name" }, name), " = ", shown, reveal,
      h("button", { type: "button", class: "small ghost danger-text", "aria-label": "Remove " + name,
        onclick: async () => {
          try {
            await del(`/projects/${this.projectId}/env/${encodeURIComponent(name)}`);
            this.load();
          } catch (e) {
            toast(e.message, "error");
          }
        } }, "Remove"));
  }
}
