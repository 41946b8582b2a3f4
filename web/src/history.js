// A project's past runs; opening one shows the code it ran (read-only, copyable) and its
// output, read page by page from /logs.
import { get } from "./api.js";
import { h, clear, toast, formatTime } from "./dom.js";
import { statusText, statusWord } from "./runstatus.js";
import { Console } from "./console.js";

export class History {
  constructor(projectId) {
    this.projectId = projectId;
    this.el = h("div", { class: "history" });
  }

  async load() {
    let runs;
    try {
      runs = await get(`/projects/${this.projectId}/runs`);
    } catch (e) {
      clear(this.el, h("p", { class: "error" }, e.message));
      return;
    }
    if (!runs.length) {
      clear(this.el, h("p", { class: "hint" }, "No runs yet."));
      return;
    }
    clear(this.el, h("table", { class: "runs" },
      h("caption", { class: "sr-only" }, "Runs of this project, newest first"),
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Run"), h("th", { scope: "col" }, "Status"), h("th", { scope: "col" }, "Started"), h("th", { scope: "col" }, "Time"))),
      h("tbody", {}, runs.map((run) => h("tr", { class: "run-row", dataset: { run: String(run.id) } },
        h("td", {}, h("button", { type: "button", class: "link", onclick: () => this.open(run), "aria-label": `Open run ${run.id}` }, "#" + run.id)),
        h("td", {}, h("span", { class: "status status-" + run.status, title: statusText(run) }, statusWord(run))),
        h("td", {}, formatTime(run.created_at)),
        h("td", {}, run.wall_ms !== null ? (run.wall_ms / 1000).toFixed(2) + " s" : "–"),
      )))));
  }

  async open(run) {
    const back = h("button", { type: "button", class: "small", onclick: () => this.load() }, "← All runs");
    const output = new Console(`Output of run ${run.id}`);
    const code = h("div", { class: "run-code" });
    clear(this.el, h("div", { class: "run-detail" },
      back,
      h("h3", {}, `Run ${run.id}`),
      h("p", { class: "run-status status-" + run.status }, statusText(run)),
      h("p", { class: "meta" }, `Started ${formatTime(run.created_at)}` + (run.request?.args?.length ? ` · args: ${run.request.args.join(" ")}` : "")),
      h("h4", {}, "Code that ran"), code,
      h("h4", {}, "Output"), output.el));
    back.focus();
    try {
      const files = await get(`/runs/${run.id}/files`);
      code.append(...files.map((f) => {
        const text = f.text ?? `(${f.size} bytes, not UTF-8)`;
        const pre = h("pre", { class: "code", tabIndex: 0, "aria-label": `${f.path} as run ${run.id} ran it` }, text);
        return h("figure", { class: "run-file" },
          h("figcaption", {}, f.path, " ",
            h("button", { type: "button", class: "small ghost", "aria-label": "Copy " + f.path,
              onclick: () => navigator.clipboard?.writeText(text).then(() => toast("Copied " + f.path), () => toast("Could not copy", "error")) }, "Copy")),
          pre);
      }));
    } catch (e) {
      code.append(h("p", { class: "error" }, "The code of this run is gone: " + e.message));
    }
    try {
      let from = 1;
      for (;;) {
        const page = await get(`/runs/${run.id}/logs?from=${from}&size=5000`);
        page.lines.forEach((l) => output.add(l));
        if (page.done || !page.lines.length) break;
        from = page.next;
      }
      if (!output.lines.length) output.clear("This run printed nothing.");
    } catch (e) {
      output.note("Could not read the output: " + e.message);
    }
  }
}
