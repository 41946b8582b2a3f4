// The admin's table of users (GET /users): each with admin, disabled and two-factor
// login, the effective quota with the user's own values marked, and buttons to disable
// or enable the account and to change its quota.
import { get, patch } from "./api.js";
import { h, clear, toast } from "./dom.js";
import { confirmDialog } from "./dialog.js";
import { session } from "./session.js";
import { quotaDialog } from "./quotadialog.js";
import { QUOTA_FIELDS, quotaText, quotaDefaults } from "./quota.js";

const COLUMNS = ["User", "Admin", "Account", "Two-factor"];
// A cell, with its column's name for the narrow layout (where the head is not shown).
const cell = (label, attrs, ...content) => h("td", { role: "cell", ...attrs, dataset: { ...attrs.dataset, label } }, h("span", {}, ...content));

export class UserTable {
  constructor() {
    this.users = [];
    this.body = h("tbody", { role: "rowgroup" });
    this.el = h("div", { class: "users" });
  }

  async load() {
    try {
      this.users = await get("/users");
    } catch (e) {
      clear(this.el, h("p", { class: "error" }, "Could not load the users: " + e.message));
      return;
    }
    clear(this.el,
      h("p", { class: "hint" }, "Quota values marked ", h("span", { class: "own-mark" }, "own"), " are the user's own; the others are the defaults of ",
        h("code", {}, "[quotas]"), " in sbx.toml."),
      // The roles are spelt out: on a narrow window the rows are laid out as blocks,
      // and a table with its display changed may lose them in some browsers.
      h("div", { class: "table-wrap" }, h("table", { class: "user-table", role: "table" },
        h("caption", { class: "sr-only" }, "Users, their accounts and quotas"),
        h("thead", { role: "rowgroup" }, h("tr", { role: "row" },
          COLUMNS.map((t) => h("th", { scope: "col", role: "columnheader" }, t)),
          QUOTA_FIELDS.map((f) => h("th", { scope: "col", role: "columnheader", class: "num" }, f.label)),
          h("th", { scope: "col", role: "columnheader" }, "Actions"))),
        this.body)));
    clear(this.body, this.users.map((u) => this.row(u)));
  }

  row(user) {
    const me = user.name === session.user?.name;
    const own = new Set(user.quota.own || []);
    const edit = h("button", { type: "button", class: "small", "aria-label": "Edit quota of " + user.name, onclick: () => this.editQuota(user, edit) }, "Edit quota");
    // Nobody may disable their own account (the API refuses it), so there is no button.
    const toggle = me ? null : h("button", {
      type: "button", class: "small" + (user.disabled ? "" : " danger-text"),
      "aria-label": (user.disabled ? "Enable " : "Disable ") + user.name,
      onclick: () => this.setDisabled(user, !user.disabled, toggle),
    }, user.disabled ? "Enable" : "Disable");
    return h("tr", { role: "row", dataset: { user: user.name }, class: user.disabled ? "disabled" : "" },
      h("th", { scope: "row", role: "rowheader" }, user.name, me ? h("span", { class: "meta" }, " (you)") : null),
      cell("Admin", {}, user.admin ? "yes" : "no"),
      cell("Account", {}, user.disabled ? h("span", { class: "badge badge-disabled" }, "disabled") : "active"),
      cell("Two-factor", {}, user.totp ? "on" : "off"),
      QUOTA_FIELDS.map((f) => cell(f.label, { class: "num" + (own.has(f.key) ? " own" : ""), dataset: { quota: f.key } },
        quotaText(f, user.quota[f.key]),
        own.has(f.key) ? [" ", h("span", { class: "own-mark" }, "own")] : null)),
      cell("Actions", { class: "actions-cell" }, edit, toggle));
  }

  // Puts the user as the API answered in place of the old row, focus on `focusLabel`'s button.
  replace(user, focusLabel) {
    const i = this.users.findIndex((u) => u.name === user.name);
    if (i >= 0) this.users[i] = user;
    const old = [...this.body.rows].find((r) => r.dataset.user === user.name);
    const fresh = this.row(user);
    if (old) old.replaceWith(fresh);
    [...fresh.querySelectorAll("button")].find((b) => b.getAttribute("aria-label") === focusLabel)?.focus();
  }

  async editQuota(user, button) {
    const saved = await quotaDialog(user, quotaDefaults(this.users));
    if (!saved) return button.focus();
    this.replace(saved, "Edit quota of " + saved.name);
    toast(`Saved the quota of ${saved.name}`);
  }

  async setDisabled(user, disabled, button) {
    if (disabled && !(await confirmDialog(`Disable ${user.name}? They can no longer log in or start runs; their projects, runs and quota stay as they are.`, "Disable"))) {
      return button.focus();
    }
    button.disabled = true;
    try {
      const saved = await patch("/users/" + encodeURIComponent(user.name), { disabled });
      this.replace(saved, (saved.disabled ? "Enable " : "Disable ") + saved.name);
      toast(`${saved.name} is ${saved.disabled ? "disabled" : "enabled"}`);
    } catch (e) {
      button.disabled = false;
      button.focus();
      toast(e.message, "error");
    }
  }
}
