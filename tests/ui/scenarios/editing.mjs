// Writing code: sign-up, projects, files, the editor and its saving.
// Each scenario gets a fresh browser and the users named in its arguments, and throws
// on failure (tests/ui/run.mjs runs one; tests/ui/ui.bats runs them all).
import { audit, check, until, waitStatus, loginAndCreate, consoleRows, setCode, waitSaved, shot, createProject, run } from "../lib.mjs";

const texts = (rows) => rows.map((r) => r.text);

export const scenarios = {
  // Sign up, create a Python project, type code, run it, see the output; then a second
  // file imported by the first; blank lines and stderr kept as they were printed.
  async "signup-python"({ page }, { user, password }) {
    // The picker needs the runtime list alone, not each runtime in full.
    const fullRuntimes = [];
    page.on("request", (r) => {
      if (/^\/api\/v1\/runtimes\/./.test(new URL(r.url()).pathname)) fullRuntimes.push(new URL(r.url()).pathname);
    });
    await page.goto("/");
    await page.getByRole("link", { name: "Sign up" }).first().click();
    await page.getByLabel("Name").fill(user);
    await page.getByLabel("Password").fill(password);
    await shot(page, "signup");
    await audit(page, "the sign-up page");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.locator("#new-h").waitFor();
    check((await page.locator(".nav-user").textContent()) === user, "the top bar names the new user");
    // The picker shows each runtime's name, version, description, OS and arch.
    const python = page.locator(".runtime-option", { hasText: "Python 3.11" });
    const pickerText = await python.textContent();
    check(/3\.11/.test(pickerText) && /linux\/amd64|linux\//.test(pickerText) && /standard library/.test(pickerText), "picker entry: " + pickerText);
    check(!fullRuntimes.length, "the projects page fetched no runtime in full: " + fullRuntimes);
    await shot(page, "projects");
    await audit(page, "the projects page");

    await createProject(page, "hello", "Python 3.11");
    await setCode(page, 'import sys\nprint("hello from the browser")\nprint()\nprint("after a blank line")\nprint("to stderr", file=sys.stderr)\n');
    await waitSaved(page);
    await run(page);
    const done = await waitStatus(page, /^Finished: /);
    check(/^Finished: exit 0 · \d+\.\d\d s( · \d+(\.\d)? (MB|KB))?$/.test(done), "status line: " + done);
    let rows = await consoleRows(page);
    const program = rows.filter((r) => r.stream === "stdout" || r.stream === "stderr");
    check(JSON.stringify(texts(program)) === JSON.stringify(["hello from the browser", "", "after a blank line", "to stderr"]), "output: " + JSON.stringify(rows));
    check(program[3].stream === "stderr" && program[0].stream === "stdout", "stdout and stderr told apart: " + JSON.stringify(program));
    await shot(page, "editor-python");
    await audit(page, "the editor after a run");

    // A second file, imported by the first.
    await page.getByRole("button", { name: "New file" }).click();
    await page.getByRole("dialog").getByRole("textbox").fill("util.py");
    await page.getByRole("dialog").getByRole("button", { name: "Create" }).click();
    await until("util.py to be open", async () => (await page.locator(".current-file").textContent()) === "util.py");
    await setCode(page, 'def greet(name):\n    return "hello, " + name + "!"\n');
    await page.getByRole("button", { name: "main.py", exact: true }).click();
    await until("main.py to be open", async () => (await page.locator(".current-file").textContent()) === "main.py");
    await setCode(page, 'from util import greet\nprint(greet("util"))\n');
    // Ctrl+Enter runs (and saves both files first).
    await page.keyboard.press("Control+Enter");
    await waitStatus(page, /^Finished: exit 0/);
    rows = await consoleRows(page);
    check(texts(rows).includes("hello, util!"), "output of the import: " + JSON.stringify(rows));
  },

  // Each shipped language is highlighted: a keyword of each gets a colour of its own.
  async languages({ page }, { user, password }) {
    await loginAndCreate(page, user, password, "langs", "Python 3.11");
    const samples = {
      "main.py": "def f(): return 1", "main.go": "package main\nfunc main() {}", "main.rb": "def f\n  1\nend",
      "main.js": "function f() { return 1 }", "Main.java": "public class Main {}", "main.c": "int main(void) { return 0; }",
      "main.cpp": "int main() { return 0; }", "main.sh": "if true; then echo hi; fi",
    };
    const id = Number(new URL(page.url()).hash.split("/").pop());
    await page.evaluate(async ({ id, samples }) => {
      for (const [path, text] of Object.entries(samples)) {
        await fetch(`/api/v1/projects/${id}/files/${path}`, { method: "PUT", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ text }) });
      }
    }, { id, samples });
    await page.reload();
    const plain = await page.locator(".editor-host .cm-content").evaluate((el) => getComputedStyle(el).color);
    for (const path of Object.keys(samples)) {
      await page.getByRole("button", { name: path, exact: true }).click();
      await until(`${path} to be open`, async () => (await page.locator(".current-file").textContent()) === path);
      const colours = await until(`${path} highlighted`, async () => {
        const c = await page.locator(".editor-host .cm-line span").evaluateAll((spans) => [...new Set(spans.map((s) => getComputedStyle(s).color))]);
        return c.some((x) => x !== plain) ? c : false;
      }, 5000);
      check(colours.length >= 1, `${path}: ${colours}`);
    }

    // Rename one file and delete another, through their buttons and dialogs.
    await page.getByRole("button", { name: "main.rb", exact: true }).click();
    await page.getByRole("button", { name: "Rename main.rb" }).click();
    await page.getByRole("dialog").getByRole("textbox").fill("lib/tool.rb");
    await page.getByRole("dialog").getByRole("button", { name: "Rename" }).click();
    await until("the renamed file", async () => (await page.locator(".current-file").textContent()) === "lib/tool.rb");
    // By keyboard: a file's actions appear when focus reaches its row.
    await page.getByRole("button", { name: "main.sh", exact: true }).focus();
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    check((await page.evaluate(() => document.activeElement.getAttribute("aria-label"))) === "Delete main.sh", "Tab reaches Delete main.sh");
    await page.keyboard.press("Enter");
    await page.getByRole("dialog").getByRole("button", { name: "Delete" }).click();
    const names = await until("main.sh gone", async () => {
      const n = await page.locator(".file-list .file").allTextContents();
      return n.some((x) => x.includes("main.sh")) ? false : n.map((x) => x.trim());
    });
    check(names.includes("lib/tool.rb") && !names.includes("main.rb"), "files now: " + names);
  },

  // A save that fails (the network drops it) is retried until it goes through; nothing
  // typed is lost.
  async "save-retry"({ page, problems }, { user, password }) {
    await loginAndCreate(page, user, password, "flaky", "Python 3.11");
    let drop = 2; // how many saves the "network" drops from now on
    let dropped = 0;
    await page.route("**/api/v1/projects/*/files/**", (route) => {
      if (route.request().method() === "PUT" && dropped < drop) {
        dropped++;
        return route.abort("connectionreset");
      }
      return route.continue();
    });
    const stored = () => page.evaluate(async () => {
      const projects = await (await fetch("/api/v1/projects")).json();
      const p = projects.find((x) => x.name === "flaky");
      return (await fetch(`/api/v1/projects/${p.id}/files/main.py`)).text();
    });
    await setCode(page, 'print("kept through a hiccup")\n');
    await until("the failure to show", async () => /^Not saved/.test(await page.locator(".save-state").textContent()));
    await shot(page, "save-error");
    await until("the retry to save it", async () => (await page.locator(".save-state").textContent()) === "All changes saved", 20000);
    check(dropped === 2, "two saves were dropped: " + dropped);
    check((await stored()) === 'print("kept through a hiccup")\n', "the server has the edit");

    // Offline, then the tab reloaded: the edit comes back from the browser's storage and
    // is saved once the network is back.
    drop = Infinity;
    await setCode(page, 'print("typed while offline")\n');
    await until("the failure to show", async () => /^Not saved/.test(await page.locator(".save-state").textContent()));
    page.on("dialog", (d) => d.accept()); // "leave the page with unsaved changes?"
    await page.reload();
    await page.locator(".editor-host .cm-content").waitFor();
    drop = 0;
    await until("the restore to be told", async () => /Restored changes not saved last time: main\.py/.test(await page.locator("#toasts").textContent()));
    await until("the restored edit to be saved", async () => (await page.locator(".save-state").textContent()) === "All changes saved", 20000);
    check((await page.locator(".editor-host .cm-content").textContent()).includes("typed while offline"), "the editor shows the restored edit");
    check((await stored()) === 'print("typed while offline")\n', "the server has the restored edit");
    // The browser logs each dropped request; those were this test's doing.
    problems.splice(0, problems.length, ...problems.filter((p) => !/ERR_CONNECTION_RESET/.test(p)));
  },
};
