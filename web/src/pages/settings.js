// Settings: two-factor login (enrol with a QR code, confirm with a code; turn off) and
// API tokens (create, shown once; revoke).
import { get, post, del } from "../api.js";
import { h, clear, toast, formatTime } from "../dom.js";
import { field, errorLine, busy } from "../form.js";
import { session } from "../session.js";
import { qrImage } from "../qr.js";
import { QUOTA_FIELDS, quotaText } from "../quota.js";

export async function settingsPage(main) {
  const totp = h("section", { class: "card", "aria-labelledby": "totp-h" });
  const tokens = h("section", { class: "card", "aria-labelledby": "tokens-h" });
  const user = session.user;
  main.append(h("h1", {}, "Settings"),
    h("p", { class: "meta" }, `Signed in as ${user.name}` + (user.admin ? " (admin)" : "")),
    h("div", { class: "columns" }, totp, tokens),
    quotaCard(user));
  showTotp(totp);
  await showTokens(tokens);
}

function quotaCard(user) {
  const q = user.quota || {};
  const own = new Set(q.own || []);
  return h("section", { class: "card", "aria-labelledby": "quota-h" }, h("h2", { id: "quota-h" }, "Your quota"),
    h("dl", { class: "facts" }, QUOTA_FIELDS.map((f) => [
      h("dt", {}, f.label),
      h("dd", {}, quotaText(f, q[f.key]), own.has(f.key) ? [" ", h("span", { class: "own-mark", title: "set for you by an admin" }, "own")] : null)])),
    own.size ? h("p", { class: "hint" }, "Values marked own were set for you by an admin; the others are the defaults.") : null);
}

function showTotp(box) {
  const user = session.user;
  const heading = h("h2", { id: "totp-h" }, "Two-factor login");
  if (user.totp) {
    const off = h("button", { type: "button", class: "danger" }, "Turn off two-factor login");
    const errors = errorLine();
    off.onclick = () => busy(off, errors, async () => {
      await del("/me/totp");
      await session.refresh();
      toast("Two-factor login is off");
      showTotp(box);
    });
    clear(box, heading, h("p", { class: "ok" }, "On: logging in asks for a code from your authenticator app."), off, errors);
    return;
  }
  const start = h("button", { type: "button", class: "primary" }, "Set up two-factor login");
  const errors = errorLine();
  start.onclick = () => busy(start, errors, async () => enrol(box, heading, await post("/me/totp")));
  clear(box, heading, h("p", {}, "Off. With it on, logging in also asks for a six-digit code from an app such as Aegis, Google Authenticator or 1Password."), start, errors);
}

function enrol(box, heading, enrolment) {
  const code = h("input", { name: "totp-code", inputMode: "numeric", autocomplete: "one-time-code", maxLength: 6, pattern: "[0-9]{6}", required: true });
  const errors = errorLine();
  const confirm = h("button", { type: "submit", class: "primary" }, "Confirm");
  clear(box, heading,
    h("ol", { class: "steps" },
      h("li", {}, "Scan this code with your authenticator app:"),
    ),
    qrImage(enrolment.uri, "QR code of the two-factor secret"),
    h("p", {}, "Or type the secret in by hand: ", h("code", { class: "secret", "data-secret": enrolment.secret }, enrolment.secret)),
    h("form", { onsubmit: (e) => {
      e.preventDefault();
      busy(confirm, errors, async () => {
        await post("/me/totp/confirm", { code: code.value.trim() });
        await session.refresh();
        toast("Two-factor login is on");
        showTotp(box);
      });
    } }, field("Then enter the code it shows", code), confirm, errors));
  code.focus();
}

async function showTokens(box) {
  const list = await get("/me/tokens");
  const name = h("input", { name: "token-name", required: true, maxLength: 100, autocomplete: "off", placeholder: "ci" });
  const errors = errorLine();
  const create = h("button", { type: "submit", class: "primary" }, "Create token");
  const fresh = h("div", { class: "new-token", role: "status" });
  clear(box, h("h2", { id: "tokens-h" }, "API tokens"),
    h("p", { class: "hint" }, "For scripts: send as ", h("code", {}, "Authorization: Bearer sbx_…"), ". A token acts as you until revoked."),
    fresh,
    list.length ? h("ul", { class: "token-list" }, list.map((t) => h("li", {},
      h("strong", {}, t.name), h("span", { class: "meta" }, ` made ${formatTime(t.created_at)} · ${t.last_used_at ? "used " + formatTime(t.last_used_at) : "never used"}`),
      h("button", { type: "button", class: "small danger", "aria-label": "Revoke token " + t.name, onclick: async () => {
        try {
          await del("/me/tokens/" + t.id);
          showTokens(box);
        } catch (e) {
          toast(e.message, "error");
        }
      } }, "Revoke")))) : h("p", { class: "hint" }, "No tokens."),
    h("form", { onsubmit: (e) => {
      e.preventDefault();
      busy(create, errors, async () => {
        const t = await post("/me/tokens", { name: name.value.trim() });
        await showTokens(box);
        box.querySelector(".new-token").append(h("p", {}, `Token “${t.name}”, shown this once: `), h("code", { class: "secret" }, t.token));
      });
    } }, field("Name", name), create, errors));
}
