// Saves files to the server a moment after the last keystroke. An edit is never lost:
// a failed save keeps the text as unsaved and tries again, with a growing delay, until it
// goes through; flush() saves everything now (before a run, or leaving the page).
import { api, filePath } from "./api.js";

// Pending text is also kept in localStorage until the server has it, so that an edit
// survives a lost session or a closed tab: restore() hands it back on the next visit.
export class Saver {
  constructor(projectId, onState) {
    this.projectId = projectId;
    this.key = "sbx-unsaved-" + projectId;
    this.pending = new Map(); // path -> text not yet on the server
    this.onState = onState; // ("saved" | "unsaved" | "saving" | "error", message)
    this.timer = null;
    this.failures = 0;
    this.saving = null;
    this.readOnly = false;
  }

  change(path, text) {
    if (this.readOnly) return;
    this.pending.set(path, text);
    this.keep();
    this.onState("unsaved");
    this.schedule(800);
  }

  // Forgets what is pending for a path (it was deleted or renamed after a flush).
  forget(path) {
    this.pending.delete(path);
    this.keep();
  }

  // The texts a past visit could not save (path -> text) of the files that still exist
  // (`paths`); they are pending again.
  restore(paths) {
    let kept = {};
    try {
      kept = JSON.parse(localStorage.getItem(this.key) || "{}");
    } catch {
      /* unreadable: nothing to restore */
    }
    for (const path of Object.keys(kept)) if (!paths.includes(path)) delete kept[path];
    for (const [path, text] of Object.entries(kept)) this.pending.set(path, text);
    this.keep();
    if (this.pending.size) {
      this.onState("unsaved");
      this.schedule(0);
    }
    return kept;
  }

  keep() {
    try {
      if (this.pending.size) localStorage.setItem(this.key, JSON.stringify(Object.fromEntries(this.pending)));
      else localStorage.removeItem(this.key);
    } catch {
      /* storage full or off: the server copy is all there is */
    }
  }

  schedule(ms) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush().catch(() => {}), ms);
  }

  get dirty() {
    return this.pending.size > 0;
  }

  // Saves all pending files; resolves when the server has them, rejects on failure (and a
  // retry is then scheduled).
  async flush() {
    clearTimeout(this.timer);
    while (this.saving) await this.saving.catch(() => {});
    if (!this.pending.size) return;
    this.saving = this.saveAll();
    try {
      await this.saving;
    } finally {
      this.saving = null;
    }
  }

  async saveAll() {
    this.onState("saving");
    try {
      for (const [path, text] of [...this.pending]) {
        await api("PUT", `/projects/${this.projectId}/files/${filePath(path)}`, { text });
        // Only drop it if nothing newer came while this one was on its way.
        if (this.pending.get(path) === text) this.pending.delete(path);
      }
      this.keep();
      this.failures = 0;
      this.onState(this.pending.size ? "unsaved" : "saved");
      if (this.pending.size) this.schedule(800);
    } catch (e) {
      this.failures++;
      const delay = Math.min(30000, 1000 * 2 ** Math.min(this.failures - 1, 5));
      // A network failure, a rate limit or a server fault passes; anything else (too large,
      // a bad name) needs the person to act, and another edit tries again.
      const retry = e.status === 0 || e.status === 429 || e.status >= 500;
      this.onState("error", `Not saved (${e.message})` + (retry ? `; retrying in ${Math.round(delay / 1000)} s` : ""));
      if (retry) this.schedule(delay);
      throw e;
    }
  }
}
