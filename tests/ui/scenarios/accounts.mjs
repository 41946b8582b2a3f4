// Accounts and sharing: two-factor login, the gallery and forks.
// Each scenario gets a fresh browser and the users named in its arguments, and throws
// on failure (tests/ui/run.mjs runs one; tests/ui/ui.bats runs them all).
import { audit, check, until, waitStatus, loginAndCreate, consoleRows, setCode, waitSaved, shot, login, run, totp, totpSettle } from "../lib.mjs";

const texts = (rows) => rows.map((r) => r.text);

export const scenarios = {
  // Two-factor login: enrol with the QR page, confirm with a code computed here, log
  // out, log in again with password and code.
  async totp({ page }, { user, password }) {
    await login(page, user, password);
    await page.locator("#new-h").waitFor();
    await page.getByRole("link", { name: "Settings" }).click();
    await page.getByRole("button", { name: "Set up two-factor login" }).click();
    const secret = await page.locator("code.secret").getAttribute("data-secret");
    check(/^[A-Z2-7]{16,}$/.test(secret), "the secret: " + secret);
    const qr = await page.locator("img.qr").evaluate((img) => ({ ok: img.complete && img.naturalWidth > 100, src: img.src.slice(0, 22) }));
    check(qr.ok && qr.src.startsWith("data:image/"), "the QR code is drawn: " + JSON.stringify(qr));
    await shot(page, "settings-totp");
    await totpSettle();
    const confirmedStep = Math.floor(Date.now() / 30000);
    await page.getByLabel("Then enter the code it shows").fill(totp(secret));
    await page.getByRole("button", { name: "Confirm" }).click();
    await page.getByRole("button", { name: "Turn off two-factor login" }).waitFor();
    await page.getByRole("button", { name: "Log out" }).click();
    await page.getByRole("heading", { name: "Log in" }).waitFor();

    await login(page, user, password);
    await page.getByRole("heading", { name: "Two-factor login" }).waitFor();
    // A wrong code is refused, and said so.
    await page.getByLabel("Code").fill(totp(secret) === "000000" ? "111111" : "000000");
    await page.getByRole("button", { name: "Verify" }).click();
    await until("the refusal", async () => (await page.locator("p.error").textContent()).length > 0);
    await shot(page, "totp-login");
    await audit(page, "the two-factor login page");
    // The code confirmed above may not be used twice: the next step's, which sbx takes
    // as well (it allows a step of clock drift either way).
    await page.getByLabel("Code").fill(totp(secret, (confirmedStep + 1) * 30000));
    await page.getByRole("button", { name: "Verify" }).click();
    await page.locator("#new-h").waitFor();
    check((await page.locator(".nav-user").textContent()) === user, "logged in after the code");
  },

  // A public project in the gallery: another user opens it read-only and forks it.
  async "gallery-fork"({ page }, { user, password, user2, password2 }) {
    await loginAndCreate(page, user, password, "shared", "Python 3.11");
    await setCode(page, 'print("shared code")\n');
    await waitSaved(page);
    const toggle = page.getByRole("switch", { name: "Public" });
    check((await toggle.getAttribute("aria-checked")) === "false", "private at first");
    await toggle.click();
    await until("public", async () => (await toggle.getAttribute("aria-checked")) === "true");
    await page.getByRole("button", { name: "Log out" }).click();
    await page.getByRole("heading", { name: "Log in" }).waitFor();

    await login(page, user2, password2);
    await page.locator("#gallery-h").waitFor();
    const entry = page.locator(".project", { hasText: user + "/shared" });
    await entry.waitFor();
    await shot(page, "gallery");
    await entry.getByRole("link").click();
    await page.getByText("Read-only: fork it to make changes.").waitFor();
    await run(page);
    await waitStatus(page, /^Finished: exit 0/);
    check(texts(await consoleRows(page)).includes("shared code"), "a stranger runs a public project");
    await page.getByRole("button", { name: "Fork", exact: true }).click();
    await page.getByRole("heading", { name: user2 + "/shared" }).waitFor();
    await until("the fork to have the code", async () => (await page.locator(".editor-host .cm-content").textContent()).includes("shared code"));
    check(await page.locator(".save-state").isVisible(), "the fork is editable");

    // Deleting it, from the projects page, after a confirmation.
    await page.getByRole("link", { name: "Projects" }).click();
    await page.getByRole("button", { name: "Delete project shared" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Delete" }).click();
    await page.getByText("No projects yet: create one to start.").waitFor();
  },
};
