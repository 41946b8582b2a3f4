// The app: a hash router over the pages, the top bar, and who is logged in.
import "./app.css";
import { setUnauthenticatedHandler } from "./api.js";
import { h, clear } from "./dom.js";
import { session } from "./session.js";
import { loginPage, signupPage, totpPage } from "./pages/login.js";
import { projectsPage } from "./pages/projects.js";
import { editorPage } from "./pages/editor.js";
import { settingsPage } from "./pages/settings.js";
import { adminPage } from "./pages/admin.js";
import { runtimes } from "./runtimes.js";

const routes = [
  // pattern, page, its name (a class on <main>), whether it needs a login
  [/^\/login$/, loginPage, "login", false],
  [/^\/signup$/, signupPage, "signup", false],
  [/^\/totp$/, totpPage, "totp", false],
  [/^\/(?:projects)?$/, projectsPage, "projects", true],
  [/^\/p\/(\d+)$/, editorPage, "editor", true],
  [/^\/settings$/, settingsPage, "settings", true],
  [/^\/admin$/, adminPage, "admin", true],
];

let leave = null; // the current page's clean-up (close streams, flush saves)

async function render() {
  const path = location.hash.replace(/^#/, "") || "/";
  const main = document.getElementById("main");
  if (leave) {
    const fn = leave;
    leave = null;
    await fn();
  }
  const route = routes.find(([re]) => re.test(path));
  if (!route) {
    clear(main, h("h1", {}, "Not found"), h("p", {}, h("a", { href: "#/" }, "Back to your projects")));
    return;
  }
  const [re, page, name, needsLogin] = route;
  if (needsLogin && !session.user) {
    if (!(await session.refresh())) {
      location.hash = "#/login";
      return;
    }
  }
  renderNav();
  clear(main);
  main.className = "page-" + name;
  try {
    leave = (await page(main, ...path.match(re).slice(1))) || null;
  } catch (e) {
    main.append(h("p", { class: "error", role: "alert" }, "Could not load this page: " + e.message));
  }
  const heading = main.querySelector("h1");
  if (heading) {
    heading.tabIndex = -1;
    document.title = heading.textContent + " · sbx";
    // A screen reader hears where it landed, unless the page put focus in a field.
    if (!main.contains(document.activeElement)) heading.focus({ preventScroll: true });
  }
}

function renderNav() {
  const nav = document.getElementById("nav");
  const user = session.user;
  if (!user) {
    clear(nav, h("a", { href: "#/login" }, "Log in"), h("a", { href: "#/signup" }, "Sign up"));
    return;
  }
  clear(
    nav,
    h("a", { href: "#/" }, "Projects"),
    h("a", { href: "#/settings" }, "Settings"),
    user.admin ? h("a", { href: "#/admin" }, "Admin") : null,
    h("span", { class: "nav-user" }, user.name),
    h("button", { type: "button", class: "link", onclick: () => session.logout() }, "Log out"),
  );
}

session.onChange = renderNav;
setUnauthenticatedHandler(() => {
  session.user = null;
  if (!/^#\/(login|signup|totp)/.test(location.hash)) location.hash = "#/login";
});
window.addEventListener("hashchange", render);
render();
runtimes().catch(() => {}); // early, so that the picker has it when the page wants it
