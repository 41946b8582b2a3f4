// The dialog that changes one user's quota (PATCH /users/{name}): a field for each value
// with its unit, and "reset to the defaults first". Only the values changed are sent, so
// those left alone stay defaults (or the user's own); an error the API names a field for
// is shown at that field.
import { patch } from "./api.js";
import { h } from "./dom.js";
import { QUOTA_FIELDS, quotaSetting, quotaInput } from "./quota.js";

let counter = 0;

// Resolves to the user as the API answers after saving, or null when nothing was saved.
// defaults: the configured values as far as known (key -> value), shown as hints.
export function quotaDialog(user, defaults) {
  const n = ++counter;
  return new Promise((resolve) => {
    const own = new Set(user.quota.own || []);
    const rows = QUOTA_FIELDS.map((field) => quotaRow(n, field, user, own.has(field.key), defaults[field.key]));
    const reset = h("input", { type: "checkbox", id: `qd${n}-reset`, name: "reset_quota", "aria-describedby": `qd${n}-reset-hint` });
    const resetError = fieldError(`qd${n}-reset`);
    const errors = h("p", { class: "error", role: "alert", hidden: true });
    const save = h("button", { type: "submit", class: "primary" }, "Save");
    const cancel = h("button", { type: "button", onclick: () => done(null) }, "Cancel");
    const heading = h("h2", { id: `qd${n}-h` }, `Quota of ${user.name}`);
    const form = h("form", { class: "quota-form", noValidate: true, onsubmit: (e) => { e.preventDefault(); submit(); } },
      heading,
      h("p", { class: "hint" }, `A value you change becomes ${user.name}'s own; the others stay as they are. A default is the value of [quotas] in sbx.toml.`),
      h("div", { class: "quota-fields" }, rows.map((r) => r.el)),
      h("div", { class: "check" }, reset, h("label", { for: reset.id }, "Reset to the defaults first")),
      h("small", { class: "hint", id: `qd${n}-reset-hint` }, `Drops every value of ${user.name}'s own quota; the values changed above are then set.`),
      resetError.el,
      errors,
      h("div", { class: "actions" }, cancel, save));
    const dialog = h("dialog", { class: "dialog quota-dialog", "aria-labelledby": heading.id }, form);
    dialog.addEventListener("cancel", () => done(null));
    document.body.append(dialog);
    dialog.showModal();
    rows[0].input.focus();
    rows[0].input.select();

    async function submit() {
      rows.forEach((r) => r.error.show(null));
      resetError.show(null);
      errors.hidden = true;
      const quota = {};
      for (const r of rows) {
        const text = r.input.value.trim();
        if (text === r.initial) continue;
        if (!text) return r.error.show("Give a value, or reset to the defaults.");
        quota[r.field.key] = quotaInput(r.field, text);
      }
      const body = {};
      if (Object.keys(quota).length) body.quota = quota;
      if (reset.checked) body.reset_quota = true;
      if (!Object.keys(body).length) return done(null);
      save.disabled = true;
      try {
        done(await patch("/users/" + encodeURIComponent(user.name), body));
      } catch (e) {
        const key = (e.field || "").replace(/^quota\./, "");
        const row = rows.find((r) => r.field.key === key);
        if (row) row.error.show(forField(e.message, row.field));
        else if (key === "reset_quota") resetError.show(e.message);
        else {
          errors.textContent = e.message;
          errors.hidden = false;
        }
      } finally {
        save.disabled = false;
      }
    }

    function done(value) {
      dialog.close();
      dialog.remove();
      resolve(value);
    }
  });
}

function quotaRow(n, field, user, isOwn, fallback) {
  const id = `qd${n}-${field.key}`;
  const initial = quotaSetting(field, user.quota[field.key]);
  const source = h("span", { class: isOwn ? "own-mark" : "default-mark", id: id + "-source" }, isOwn ? "own" : "default");
  const unit = h("span", { class: "unit", id: id + "-unit" }, field.unit);
  const hint = isOwn && fallback !== undefined ? h("small", { class: "hint", id: id + "-hint" }, `The default is ${quotaSetting(field, fallback)}.`) : null;
  const input = h("input", {
    id, name: field.key, value: initial, autocomplete: "off", spellcheck: "false",
    inputMode: field.kind === "size" ? "text" : field.kind === "cpus" ? "decimal" : "numeric",
  });
  const error = fieldError(id, input);
  input.setAttribute("aria-describedby", [source.id, unit.id, hint?.id, error.el.id].filter(Boolean).join(" "));
  const el = h("div", { class: "field quota-field" },
    h("div", { class: "field-head" }, h("label", { for: id }, field.label), source),
    h("div", { class: "with-unit" }, input, unit),
    hint, error.el);
  return { field, input, initial, error, el };
}

// The API's message names the member ("'quota.max_memory' must be …", or "max-memory
// must be …"); next to the field, its label reads better.
function forField(message, field) {
  for (const name of [`'quota.${field.key}'`, `'${field.key}'`, field.key.replace(/_/g, "-"), field.key]) {
    if (message.startsWith(name + " ")) return field.label + message.slice(name.length);
  }
  return message;
}

// The error of one field, under it, and the field marked invalid (and focused) with it.
function fieldError(id, input) {
  const el = h("small", { class: "field-error error", id: id + "-error", hidden: true });
  return {
    el,
    show(message) {
      el.textContent = message || "";
      el.hidden = !message;
      if (!input) return;
      if (message) {
        input.setAttribute("aria-invalid", "true");
        input.focus();
      } else input.removeAttribute("aria-invalid");
    },
  };
}
