// The other pages: admin (the catalog; users and quotas), FAQ, env vars, tokens, and the
// phone layout.
// Each scenario gets a fresh browser and the users named in its arguments, and throws
// on failure (tests/ui/run.mjs runs one; tests/ui/ui.bats runs them all).
import { audit, check, until, waitStatus, shot, login, createProject, run } from "../lib.mjs";

export const scenarios = {
  // The other pages at 1280×800 and the editor on a phone; the admin's catalog.
  async screens({ page }, { user, password }) {
    await login(page, user, password);
    await page.locator("#new-h").waitFor();
    await page.getByRole("link", { name: "Admin" }).click();
    await page.getByRole("heading", { name: "Runtime catalog" }).waitFor();
    const ids = await page.locator(".runtime-card code.rt-id").allTextContents();
    check(ids.includes("python-3.11") && ids.includes("go-1.19"), "the catalog: " + ids);
    // The picker and the catalog show the summaries; a runtime in full comes when opened.
    const summary = await page.locator(".runtime-card", { hasText: "python-3.11" }).locator("summary").textContent();
    check(/standard library/.test(summary), "the description in the catalog's summary: " + summary);
    await page.locator(".runtime-card", { hasText: "go-1.19" }).locator("summary").click();
    await until("a runtime's compile command", async () => /go build -o main \{file\}/.test(await page.locator(".runtime-card[open]").textContent()));
    await page.locator(".runtime-card[open]").scrollIntoViewIfNeeded();
    await shot(page, "admin");
    await audit(page, "the admin page");
    await createProject(page, "phone", "Python 3.11");
    await page.getByRole("tab", { name: "FAQ" }).click();
    await until("FAQ entries", async () => (await page.locator("details.faq").count()) > 0);
    await page.locator("details.faq summary").first().click();
    await shot(page, "faq");
    await audit(page, "the editor with the FAQ");
    await page.getByRole("tab", { name: "Env vars" }).click();
    await page.getByLabel("Name", { exact: true }).fill("API_KEY");
    await page.getByLabel("Value").fill("s3cret-value");
    await page.getByRole("button", { name: "Set", exact: true }).click();
    await page.locator(".env-list li").waitFor();
    check(!(await page.locator(".env-list").textContent()).includes("s3cret-value"), "the value is masked");
    await page.getByRole("button", { name: "Reveal API_KEY" }).click();
    check((await page.locator(".env-list").textContent()).includes("s3cret-value"), "the value is shown when revealed");
    await shot(page, "env");
    await audit(page, "the env vars panel");

    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole("tab", { name: "Output" }).click();
    await run(page);
    await waitStatus(page, /^Finished: exit 0/);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    check(overflow <= 0, "no sideways scrolling on a phone: " + overflow + " px");
    await shot(page, "phone-editor");
    await audit(page, "the editor on a phone");
    await page.screenshot({ path: (process.env.UI_ARTIFACTS || "build/ui-artifacts") + "/phone-editor-full.png", fullPage: true });
    await page.goto("/#/");
    await page.locator("#new-h").waitFor();
    await shot(page, "phone-projects");
    await audit(page, "the projects page on a phone");

    // API tokens: made (shown once), listed, revoked.
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.getByRole("link", { name: "Settings" }).click();
    await page.getByRole("heading", { name: "API tokens" }).waitFor();
    await page.locator("form", { hasText: "Create token" }).getByLabel("Name").fill("ci");
    await page.getByRole("button", { name: "Create token" }).click();
    const secret = await until("the new token", async () => {
      const t = await page.locator(".new-token code.secret").textContent().catch(() => "");
      return /^sbx_/.test(t) ? t : false;
    });
    const me = await page.evaluate((t) => fetch("/api/v1/me", { credentials: "omit", headers: { Authorization: "Bearer " + t } }).then((r) => r.json()), secret);
    check(me.name === user, "the token acts as its user: " + JSON.stringify(me));
    await shot(page, "settings-tokens");
    await audit(page, "the settings page");
    await page.getByRole("button", { name: "Revoke token ci" }).click();
    await page.getByText("No tokens.").waitFor();
  },

  // An admin's users and quotas: the list; a quota changed in the dialog (a bad value
  // named at its field first), seen in the table; an account disabled and enabled again;
  // the quota reset to the defaults.
  async "admin-users"({ page }, { user, password, user2 }) {
    const me = (name) => page.evaluate((n) => fetch("/api/v1/users/" + encodeURIComponent(n)).then((r) => r.json()), name);
    await login(page, user, password);
    await page.locator("#new-h").waitFor();
    await page.getByRole("link", { name: "Admin" }).click();
    await page.getByRole("heading", { name: "Users and quotas" }).waitFor();
    const row = page.locator(`.user-table tbody tr[data-user="${user2}"]`);
    await row.waitFor();
    const names = await page.locator(".user-table tbody th").allTextContents();
    check(names.includes(user + " (you)") && names.includes(user2), "the users: " + JSON.stringify(names));
    const mine = page.locator(`.user-table tbody tr[data-user="${user}"]`);
    check((await mine.locator("td").first().textContent()) === "yes", "the admin is marked");
    check((await mine.getByRole("button", { name: "Disable " + user }).count()) === 0, "no button to disable oneself");
    const memory = row.locator('td[data-quota="max_memory"]');
    const defaultMemory = await memory.textContent();
    check(defaultMemory === "1 GB", "the default memory quota: " + defaultMemory);
    await shot(page, "admin-users");
    await audit(page, "the admin page with its users");

    // The dialog, from the keyboard; a bad value is named at its field.
    const edit = row.getByRole("button", { name: "Edit quota of " + user2 });
    await edit.focus();
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: "Quota of " + user2 });
    await dialog.waitFor();
    const field = dialog.getByLabel("Memory");
    check((await field.inputValue()) === "1G", "the memory field shows the quota as typed: " + (await field.inputValue()));
    await field.fill("lots");
    await dialog.getByRole("button", { name: "Save" }).click();
    const error = await until("the error at the memory field", async () => {
      const id = await field.getAttribute("id");
      const text = await dialog.locator(`[id="${id}-error"]`).textContent();
      return (await field.getAttribute("aria-invalid")) === "true" && text ? text : false;
    });
    check(await field.evaluate((el) => el === document.activeElement && el.getAttribute("aria-describedby").split(" ").includes(el.id + "-error")),
      "the field with the error has the focus and the error as its description");
    await shot(page, "admin-quota-error");
    await audit(page, "the quota dialog with an error");
    check(/^Memory must be .*size/.test(error), "the error names the field by its label and says what is wrong: " + error);

    await field.fill("512M");
    await page.keyboard.press("Enter");
    await dialog.waitFor({ state: "detached" });
    await until("512 MB in the table", async () => (await memory.textContent()) === "512 MB own");
    check(await memory.evaluate((el) => el.classList.contains("own")), "the user's own value is marked");
    check(await page.evaluate((label) => document.activeElement?.getAttribute("aria-label") === label, "Edit quota of " + user2), "the focus is back on the button");
    const changed = await me(user2);
    check(changed.quota.max_memory === 512 << 20 && changed.quota.own.join() === "max_memory", "the quota as the API has it: " + JSON.stringify(changed.quota));
    check((await row.locator('td[data-quota="max_storage"]').textContent()) === "50 MB", "the other values stay defaults");

    // Disabled after a confirmation, then enabled again.
    await row.getByRole("button", { name: "Disable " + user2 }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Disable" }).click();
    await row.getByRole("button", { name: "Enable " + user2 }).waitFor();
    check(/disabled/.test(await row.locator("td").nth(1).textContent()), "the row says disabled");
    check((await me(user2)).disabled === true, "the API has the account disabled");
    await shot(page, "admin-user-disabled");
    await row.getByRole("button", { name: "Enable " + user2 }).click();
    await row.getByRole("button", { name: "Disable " + user2 }).waitFor();
    check((await row.locator("td").nth(1).textContent()) === "active", "the row says active");
    check((await me(user2)).disabled === false, "the API has the account enabled");

    // Back to the defaults; the dialog tells the user's own value from the default.
    await edit.click();
    await dialog.waitFor();
    const memoryHint = await dialog.locator(".quota-field", { has: page.getByLabel("Memory") }).textContent();
    check(/Memoryown/.test(memoryHint) && /The default is 1G\./.test(memoryHint), "the memory field says own, and the default: " + memoryHint);
    await dialog.getByLabel("Reset to the defaults first").check();
    await dialog.getByRole("button", { name: "Save" }).click();
    await dialog.waitFor({ state: "detached" });
    await until("the default memory quota again", async () => (await memory.textContent()) === defaultMemory);
    check((await me(user2)).quota.own.length === 0, "no values of the user's own");

    // On a phone: the table scrolls in its own box; Escape leaves the dialog unchanged.
    await page.setViewportSize({ width: 390, height: 844 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    check(overflow <= 0, "no sideways scrolling of the page on a phone: " + overflow + " px");
    await shot(page, "phone-admin");
    await edit.click();
    await dialog.waitFor();
    await dialog.getByLabel("Runs an hour").fill("7");
    await shot(page, "phone-quota-dialog");
    await audit(page, "the quota dialog on a phone");
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    check((await row.locator('td[data-quota="runs_per_hour"]').textContent()) === "300", "Escape saved nothing");
    check(await page.evaluate((label) => document.activeElement?.getAttribute("aria-label") === label, "Edit quota of " + user2), "the focus is back on the button after Escape");
  },
};
