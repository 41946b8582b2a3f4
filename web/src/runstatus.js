// A run's status as one line for people: "Finished: exit 0 · 0.53 s · 12 MB".
import { formatBytes } from "./dom.js";

export const ACTIVE = new Set(["queued", "building", "running"]);

function facts(run) {
  const parts = [];
  if (run.exit_code !== null && run.exit_code !== undefined) parts.push("exit " + run.exit_code);
  else if (run.signal) parts.push("signal " + run.signal);
  if (run.wall_ms !== null && run.wall_ms !== undefined) parts.push((run.wall_ms / 1000).toFixed(2) + " s");
  if (run.peak_memory_bytes) parts.push(formatBytes(run.peak_memory_bytes));
  return parts.join(" · ");
}

export function statusText(run) {
  const reason = run.reason ? ": " + run.reason : "";
  switch (run.status) {
    case "queued":
      // queue_position: how many queued runs start before this one (0: it is next).
      return Number.isInteger(run.queue_position) ? `Queued (${run.queue_position} ahead)` : "Queued…";
    case "building":
      return "Building…";
    case "running":
      return run.cancel_requested ? "Stopping…" : "Running…";
    case "succeeded":
      return "Finished: " + facts(run);
    case "failed":
      return (run.stage === "compile" ? "Compile error: " : "Finished: ") + facts(run);
    case "timeout":
      return "Timed out" + reason;
    case "oom":
      return `Out of memory (limit ${run.limits?.memory ?? "?"})`;
    case "output-limit":
      return "Output cut" + reason;
    case "cancelled":
      return "Cancelled" + reason;
    case "error":
      return "Error" + reason;
    default:
      return run.status;
  }
}

// A short word for lists and badges.
export function statusWord(run) {
  if (run.status === "failed" && run.stage === "compile") return "compile error";
  return run.status;
}
