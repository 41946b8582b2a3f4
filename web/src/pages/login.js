// Log in (with the two-factor step when the account has it on) and sign up.
import { h } from "../dom.js";
import { field, errorLine, busy } from "../form.js";
import { session } from "../session.js";

function credentialsForm(main, { title, submitLabel, autocomplete, action, footer }) {
  const name = h("input", { name: "username", autocomplete: "username", required: true, autocapitalize: "none", spellcheck: "false" });
  const password = h("input", { name: "password", type: "password", autocomplete, required: true, minLength: 8 });
  const errors = errorLine();
  const submit = h("button", { type: "submit", class: "primary" }, submitLabel);
  const form = h(
    "form",
    { class: "card narrow", onsubmit: (e) => { e.preventDefault(); busy(submit, errors, () => action(name.value.trim(), password.value)); } },
    h("h1", {}, title),
    field("Name", name),
    field("Password", password, autocomplete === "new-password" ? "At least 8 characters." : undefined),
    errors,
    submit,
    footer,
  );
  main.append(form);
  name.focus();
}

export function loginPage(main) {
  credentialsForm(main, {
    title: "Log in",
    submitLabel: "Log in",
    autocomplete: "current-password",
    footer: h("p", {}, "No account yet? ", h("a", { href: "#/signup" }, "Sign up")),
    action: async (name, password) => {
      const answer = await session.login(name, password);
      location.hash = answer.totp_required ? "#/totp" : "#/";
    },
  });
}

export function signupPage(main) {
  credentialsForm(main, {
    title: "Sign up",
    submitLabel: "Create account",
    autocomplete: "new-password",
    footer: h("p", {}, "Have an account? ", h("a", { href: "#/login" }, "Log in")),
    action: async (name, password) => {
      await session.signup(name, password);
      location.hash = "#/";
    },
  });
}

export function totpPage(main) {
  const code = h("input", { name: "code", inputMode: "numeric", autocomplete: "one-time-code", pattern: "[0-9]{6}", maxLength: 6, required: true });
  const errors = errorLine();
  const submit = h("button", { type: "submit", class: "primary" }, "Verify");
  main.append(
    h(
      "form",
      {
        class: "card narrow",
        onsubmit: (e) => {
          e.preventDefault();
          busy(submit, errors, async () => {
            await session.totp(code.value.trim());
            location.hash = "#/";
          });
        },
      },
      h("h1", {}, "Two-factor login"),
      h("p", {}, "Enter the six-digit code your authenticator app shows for sbx."),
      field("Code", code),
      errors,
      submit,
      h("p", {}, h("button", { type: "button", class: "link", onclick: () => session.logout() }, "Cancel and log out")),
    ),
  );
  code.focus();
}
