// Starting, watching and stopping the runs of one project. Output comes live over
// Server-Sent Events; a newer run replaces an active one (the server cancels the older),
// and the console says so.
import { api, get, post } from "./api.js";
import { ACTIVE, statusText } from "./runstatus.js";

export class RunWatcher {
  // onStatus(run, text) each time the run's record comes (a queued one's as it moves up);
  // output lines go to `console`.
  constructor(console, onStatus) {
    this.console = console;
    this.onStatus = onStatus;
    this.run = null;
    this.source = null;
    this.queueTimer = null;
    this.generation = 0; // one more on each close(), so that a poll in flight is dropped
  }

  get active() {
    return !!this.run && ACTIVE.has(this.run.status);
  }

  async start(projectId, request) {
    const previous = this.active ? this.run : null;
    const run = await api("POST", `/projects/${projectId}/runs`, request);
    this.watch(run, previous ? `Run ${previous.id} was cancelled: replaced by run ${run.id}.` : null);
    if (previous) this.onReplaced?.(previous, run);
    return run;
  }

  // Follows a run from its first line (used for a new run and for one already going).
  watch(run, note = null) {
    this.close();
    this.run = run;
    this.console.clear("Waiting for output…");
    if (note) this.console.note(note);
    this.update(run);
    const source = new EventSource(`/api/v1/runs/${run.id}/events`);
    this.source = source;
    source.addEventListener("status", (e) => this.update(JSON.parse(e.data)));
    source.addEventListener("line", (e) => this.console.add(JSON.parse(e.data)));
    source.addEventListener("end", (e) => {
      this.update(JSON.parse(e.data));
      this.close();
      this.onEnd?.(this.run);
      if (!this.console.lines.some((l) => l.stream !== "note")) this.console.note("(the run printed nothing)");
    });
    // EventSource reconnects by itself (sending Last-Event-ID) on a network error; it only
    // gives up on a non-200 answer, and then the record still tells how the run ended.
    source.addEventListener("error", () => {
      if (source.readyState === EventSource.CLOSED && this.source === source) {
        this.source = null;
        get("/runs/" + run.id).then((r) => this.update(r)).catch(() => {});
      }
    });
  }

  update(run) {
    if (!this.run || run.id !== this.run.id) return;
    this.run = run;
    clearTimeout(this.queueTimer);
    this.onStatus(run, statusText(run));
    if (run.status === "queued") this.pollQueue(run.id);
  }

  // The stream sends a status event when a queued run moves up the queue. While it is
  // not connected (reconnecting, or given up), the run's record is read every second
  // instead, so that "n ahead" still counts down.
  pollQueue(id) {
    const watching = this.generation;
    // Still this watch, and the stream has not moved the run on meanwhile (an older
    // answer must not undo that).
    const current = () => this.generation === watching && this.run?.id === id && this.run.status === "queued";
    this.queueTimer = setTimeout(async () => {
      if (!current()) return;
      if (this.source?.readyState === EventSource.OPEN) return this.pollQueue(id);
      try {
        const run = await get("/runs/" + id);
        if (current()) this.update(run);
      } catch {
        if (current()) this.pollQueue(id);
      }
    }, 1000);
  }

  async stop() {
    if (!this.run) return;
    const run = await post(`/runs/${this.run.id}/cancel`);
    this.update(run);
  }

  close() {
    this.generation++;
    clearTimeout(this.queueTimer);
    this.source?.close();
    this.source = null;
  }
}
