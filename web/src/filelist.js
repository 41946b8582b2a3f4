// The project's files: open one, create, rename, delete.
import { api, get, del, filePath } from "./api.js";
import { h, clear, icon, toast } from "./dom.js";
import { confirmDialog, promptDialog } from "./dialog.js";

export class FileList {
  // onOpen(path) when a file is chosen; saver: the project's Saver (flushed before renames).
  constructor(project, saver, { readOnly, onOpen, onChange }) {
    this.project = project;
    this.saver = saver;
    this.readOnly = readOnly;
    this.onOpen = onOpen;
    this.onChange = onChange;
    this.files = [];
    this.current = null;
    this.list = h("ul", { class: "file-list", "aria-label": "Files" });
    this.el = h("nav", { class: "files", "aria-label": "Project files" },
      h("div", { class: "files-head" }, h("h2", {}, "Files"),
        readOnly ? null : h("button", { type: "button", class: "small", onclick: () => this.create(), "aria-label": "New file" }, icon("plus"), " New")),
      this.list);
  }

  async load() {
    this.files = await get(`/projects/${this.project.id}/files`);
    this.render();
    this.onChange?.(this.files);
    return this.files;
  }

  render() {
    clear(this.list, this.files.map((f) => h("li", { class: f.path === this.current ? "current" : "" },
      h("button", { type: "button", class: "file", "aria-current": f.path === this.current ? "true" : false, onclick: () => this.onOpen(f.path) },
        icon("file"), " ", f.path),
      this.readOnly ? null : h("span", { class: "file-actions" },
        h("button", { type: "button", class: "small ghost", "aria-label": "Rename " + f.path, title: "Rename", onclick: () => this.rename(f.path) }, "Rename"),
        h("button", { type: "button", class: "small ghost danger-text", "aria-label": "Delete " + f.path, title: "Delete", onclick: () => this.remove(f.path) }, "Delete")),
    )));
  }

  select(path) {
    this.current = path;
    this.render();
  }

  async create() {
    const path = await promptDialog("New file name (such as util.py or src/lib.go)", "", "Create");
    if (!path) return;
    try {
      const written = await api("PUT", `/projects/${this.project.id}/files/${filePath(path)}`, { text: "" });
      await this.load();
      this.onOpen(written.path);
    } catch (e) {
      toast(e.message, "error");
    }
  }

  async rename(from) {
    const to = await promptDialog(`Rename ${from} to`, from, "Rename");
    if (!to || to === from) return;
    try {
      await this.saver.flush();
      await api("POST", `/projects/${this.project.id}/move`, { from, to });
      await this.load();
      this.onRenamed?.(from, to);
    } catch (e) {
      toast(e.message, "error");
    }
  }

  async remove(path) {
    if (!(await confirmDialog(`Delete ${path}?`, "Delete"))) return;
    try {
      this.saver.forget(path);
      await del(`/projects/${this.project.id}/files/${filePath(path)}`);
      await this.load();
      this.onDeleted?.(path);
    } catch (e) {
      toast(e.message, "error");
    }
  }
}
