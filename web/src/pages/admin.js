// Admin: the users and their quotas (disable, enable, change a quota), and the runtime
// catalog as the TOML defines it (read-only; a runtime's full record is fetched when its
// card is opened).
import { h, clear, formatBytes } from "../dom.js";
import { runtimes, runtime } from "../runtimes.js";
import { session } from "../session.js";
import { UserTable } from "../usertable.js";

export async function adminPage(main) {
  main.append(h("h1", {}, "Admin"));
  if (!session.user.admin) {
    main.append(h("p", {}, "Only admins see this page."));
    return;
  }
  const users = new UserTable();
  const catalog = h("div", { class: "runtime-cards" });
  main.append(
    h("section", { class: "card", "aria-labelledby": "users-h" }, h("h2", { id: "users-h" }, "Users and quotas"), users.el),
    h("section", { class: "card", "aria-labelledby": "catalog-h" }, h("h2", { id: "catalog-h" }, "Runtime catalog"),
      h("p", { class: "hint" }, "Read-only: edit etc/runtimes.d/*.toml and check it with ", h("code", {}, "sbx runtime check"), "."),
      catalog),
  );
  await Promise.all([users.load(), runtimes().then((list) => clear(catalog, list.map(runtimeCard)))]);
}

const argv = (a) => (a?.length ? h("code", {}, a.join(" ")) : "–");

function runtimeCard(summary) {
  const body = h("div", { class: "runtime-details", "aria-busy": "true" }, h("p", { class: "hint" }, "Loading…"));
  const card = h("details", { class: "runtime-card", dataset: { runtime: summary.id } },
    h("summary", {}, h("strong", {}, summary.name), " ", h("code", { class: "rt-id" }, summary.id),
      summary.description ? h("span", { class: "meta" }, " — " + summary.description) : null),
    body);
  let loaded = false;
  card.addEventListener("toggle", async () => {
    if (!card.open || loaded) return;
    loaded = true;
    try {
      clear(body, runtimeFacts(await runtime(summary.id)));
    } catch (e) {
      loaded = false;
      clear(body, h("p", { class: "error" }, "Could not load this runtime: " + e.message));
    }
    body.removeAttribute("aria-busy");
  });
  return card;
}

function runtimeFacts(r) {
  const l = r.limits || {};
  const facts = [
    ["Language", r.language], ["Version", r.version], ["OS/arch", `${r.os}/${r.arch}`],
    ["Image", h("code", {}, r.image)], ["Entry file", h("code", {}, r.file || "–")],
    ["Compile", argv(r.compile)], ["Run", argv(r.run)], ["Check", argv(r.check)],
    ["Environment", Object.keys(r.env || {}).length ? h("code", {}, Object.entries(r.env).map(([k, v]) => `${k}=${v}`).join(" ")) : "–"],
    ["Limits", `memory ${l.memory ?? "–"} · ${l.cpus ?? "–"} CPU · ${l.pids ?? "–"} pids · run ${l.wall_time ?? "–"} · compile ${l.compile_time ?? "–"} · output ${formatBytes(l.output_bytes)} · disk ${l.disk ?? "–"}`],
    ["FAQ entries", String(r.faq?.length ?? 0)],
  ];
  return [
    h("dl", { class: "facts" }, facts.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])),
    r.hello_world ? [h("h4", {}, "Hello world"), h("pre", { class: "code" }, r.hello_world)] : null,
  ];
}
