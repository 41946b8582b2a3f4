// The other pages: admin, FAQ, env vars, tokens, and the phone layout.
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
    await page.locator(".runtime-card", { hasText: "go-1.19" }).locator("summary").click();
    check(/go build -o main \{file\}/.test(await page.locator(".runtime-card[open]").textContent()), "a runtime's compile command");
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
};
