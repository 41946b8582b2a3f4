// The runtime catalog, fetched once a page load: summaries plus each runtime in full
// (the summary has no description, and the picker shows it).
import { get } from "./api.js";

let all = null;

export function runtimes() {
  all ??= get("/runtimes")
    .then((list) => Promise.all(list.map((r) => get("/runtimes/" + encodeURIComponent(r.id)).catch(() => r))))
    .catch((e) => {
      all = null;
      throw e;
    });
  return all;
}

export async function runtime(id) {
  return (await runtimes()).find((r) => r.id === id);
}
