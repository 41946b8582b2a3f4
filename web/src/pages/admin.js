// Admin: the runtime catalog as the TOML defines it (read-only) and, of the users, what
// the API shows (it has no user-admin routes yet: `sbx user` at the shell does that).
import { h, formatBytes } from "../dom.js";
import { runtimes } from "../runtimes.js";
import { session } from "../session.js";

export async function adminPage(main) {
  main.append(h("h1", {}, "Admin"));
  if (!session.user.admin) {
    main.append(h("p", {}, "Only admins see this page."));
    return;
  }
  const list = await runtimes();
  main.append(
    h("section", { class: "card", "aria-labelledby": "users-h" }, h("h2", { id: "users-h" }, "Users and quotas"),
      h("p", {}, "The web API has no routes to list or change users yet. At the shell: ",
        h("code", {}, "sbx user list"), ", ", h("code", {}, "sbx user add NAME"), ", ",
        h("code", {}, "sbx user quota NAME --max-memory 512M --runs-per-hour 60"), ", ", h("code", {}, "sbx user disable NAME"), "."),
      h("p", {}, "Your own effective quota is on the Settings page.")),
    h("section", { class: "card", "aria-labelledby": "catalog-h" }, h("h2", { id: "catalog-h" }, "Runtime catalog"),
      h("p", { class: "hint" }, "Read-only: edit etc/runtimes.d/*.toml and check it with ", h("code", {}, "sbx runtime check"), "."),
      h("div", { class: "runtime-cards" }, list.map(runtimeCard))),
  );
}

const argv = (a) => (a?.length ? h("code", {}, a.join(" ")) : "–");

function runtimeCard(r) {
  const l = r.limits || {};
  const facts = [
    ["Language", r.language], ["Version", r.version], ["OS/arch", `${r.os}/${r.arch}`],
    ["Image", h("code", {}, r.image)], ["Entry file", h("code", {}, r.file || "–")],
    ["Compile", argv(r.compile)], ["Run", argv(r.run)], ["Check", argv(r.check)],
    ["Environment", Object.keys(r.env || {}).length ? h("code", {}, Object.entries(r.env).map(([k, v]) => `${k}=${v}`).join(" ")) : "–"],
    ["Limits", `memory ${l.memory ?? "–"} · ${l.cpus ?? "–"} CPU · ${l.pids ?? "–"} pids · run ${l.wall_time ?? "–"} · compile ${l.compile_time ?? "–"} · output ${formatBytes(l.output_bytes)} · disk ${l.disk ?? "–"}`],
    ["FAQ entries", String(r.faq?.length ?? 0)],
  ];
  return h("details", { class: "runtime-card" },
    h("summary", {}, h("strong", {}, r.name), " ", h("code", { class: "rt-id" }, r.id), r.description ? h("span", { class: "meta" }, " — " + r.description) : null),
    h("dl", { class: "facts" }, facts.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])),
    r.hello_world ? [h("h4", {}, "Hello world"), h("pre", { class: "code" }, r.hello_world)] : null);
}
