// The runtime catalog: the list of summaries (id, name, language, version, description,
// OS, arch, image) fetched once a page load, which is all the picker shows; and a runtime
// in full (commands, limits, FAQ) fetched only when a page needs that one.
import { get } from "./api.js";

let summaries = null;
const details = new Map(); // id -> promise of the runtime in full

export function runtimes() {
  summaries ??= get("/runtimes").catch((e) => {
    summaries = null;
    throw e;
  });
  return summaries;
}

export function runtime(id) {
  if (!details.has(id)) {
    details.set(id, get("/runtimes/" + encodeURIComponent(id)).catch((e) => {
      details.delete(id);
      throw e;
    }));
  }
  return details.get(id);
}
