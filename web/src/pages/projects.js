// Your projects (create, open, delete) and the gallery of everyone's public projects.
import { get, post, del } from "../api.js";
import { h, clear, toast, formatTime, formatBytes } from "../dom.js";
import { field, errorLine, busy } from "../form.js";
import { runtimes } from "../runtimes.js";
import { confirmDialog } from "../dialog.js";

export async function projectsPage(main) {
  const mine = h("ul", { class: "project-list", "aria-label": "Your projects" });
  const gallery = h("ul", { class: "project-list", "aria-label": "Public projects" });
  main.append(
    h("div", { class: "page-head" }, h("h1", {}, "Projects")),
    h("div", { class: "columns" },
      h("section", { class: "card", "aria-labelledby": "mine-h" }, h("h2", { id: "mine-h" }, "Your projects"), mine),
      h("section", { class: "card", "aria-labelledby": "new-h" }, h("h2", { id: "new-h" }, "New project"), await createForm()),
    ),
    h("section", { class: "card", "aria-labelledby": "gallery-h" },
      h("h2", { id: "gallery-h" }, "Gallery"),
      h("p", { class: "hint" }, "Public projects of everyone. Fork one to make your own copy."),
      gallery),
  );
  await Promise.all([showMine(mine), showGallery(gallery)]);
}

async function showMine(list) {
  const projects = await get("/projects");
  if (!projects.length) {
    clear(list, h("li", { class: "empty" }, "No projects yet: create one to start."));
    return;
  }
  clear(list, projects.map((p) => h("li", { class: "project" },
    h("a", { href: "#/p/" + p.id, class: "project-name" }, p.name),
    h("span", { class: "badge" }, p.runtime),
    h("span", { class: "badge badge-" + p.visibility }, p.visibility),
    h("span", { class: "meta" }, `${p.files} file${p.files === 1 ? "" : "s"} · ${formatBytes(p.bytes)} · changed ${formatTime(p.updated_at)}`),
    h("button", {
      type: "button", class: "danger small", "aria-label": "Delete project " + p.name,
      onclick: async () => {
        if (!(await confirmDialog(`Delete project “${p.name}” with all its files?`, "Delete"))) return;
        try {
          await del("/projects/" + p.id);
          toast(`Deleted ${p.name}`);
          showMine(list);
        } catch (e) {
          toast(e.message, "error");
        }
      },
    }, "Delete"),
  )));
}

async function showGallery(list) {
  const projects = await get("/gallery");
  if (!projects.length) {
    clear(list, h("li", { class: "empty" }, "No public projects yet."));
    return;
  }
  clear(list, projects.map((p) => h("li", { class: "project" },
    h("a", { href: "#/p/" + p.id, class: "project-name" }, p.full_name),
    h("span", { class: "badge" }, p.runtime),
    h("span", { class: "meta" }, "changed " + formatTime(p.updated_at)),
    h("button", {
      type: "button", class: "small", "aria-label": "Fork " + p.full_name,
      onclick: async (e) => {
        try {
          const copy = await post(`/projects/${p.id}/fork`, {});
          location.hash = "#/p/" + copy.id;
        } catch (err) {
          toast(err.message, "error");
          e.target.disabled = false;
        }
      },
    }, "Fork"),
  )));
}

async function createForm() {
  const name = h("input", { name: "name", required: true, pattern: "[A-Za-z0-9][A-Za-z0-9._\\-]{0,63}", autocomplete: "off", spellcheck: "false" });
  const picker = h("fieldset", { class: "runtime-picker" }, h("legend", {}, "Runtime"));
  const errors = errorLine();
  const submit = h("button", { type: "submit", class: "primary" }, "Create project");
  try {
    const list = await runtimes();
    const preferred = (list.find((r) => r.language === "python") || list[0])?.id;
    list.forEach((r) => {
      const id = "rt-" + r.id;
      picker.append(h("div", { class: "runtime-option" },
        h("input", { type: "radio", name: "runtime", id, value: r.id, checked: r.id === preferred }),
        h("label", { for: id },
          h("strong", {}, r.name), " ", h("span", { class: "badge" }, r.version),
          h("span", { class: "meta" }, `${r.os}/${r.arch}`),
          r.description ? h("span", { class: "desc" }, r.description) : null),
      ));
    });
    // The preselected runtime in view, inside the picker's own scroll box.
    requestAnimationFrame(() => {
      const option = picker.querySelector("input:checked")?.closest(".runtime-option");
      if (option) picker.scrollTop = option.offsetTop - 8; // the picker is position: relative
    });
  } catch (e) {
    picker.append(h("p", { class: "error" }, "Could not load the runtimes: " + e.message));
  }
  const form = h("form", {
    class: "create-form",
    onsubmit: (e) => {
      e.preventDefault();
      const runtime = form.querySelector("input[name=runtime]:checked")?.value;
      busy(submit, errors, async () => {
        const p = await post("/projects", { name: name.value.trim(), runtime });
        location.hash = "#/p/" + p.id;
      });
    },
  }, field("Name", name, "Letters, digits, '.', '_' and '-'."), picker, errors, submit);
  return form;
}
