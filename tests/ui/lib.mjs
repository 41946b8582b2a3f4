// Shared pieces of the browser tests: Debian's Chromium through playwright-core, waits,
// typing into CodeMirror, screenshots, and RFC 6238 codes computed here (not by sbx).
import { createRequire } from "node:module";
import { createHmac } from "node:crypto";
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
// playwright-core is a dev dependency of the UI package in web/.
const require = createRequire(path.join(here, "..", "..", "web", "package.json"));
const { chromium } = require("playwright-core");
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

export const BASE = process.env.UI_URL || "http://127.0.0.1:8080";
export const ARTIFACTS = process.env.UI_ARTIFACTS || path.join(here, "..", "..", "build", "ui-artifacts");

export class Failure extends Error {}

export function check(condition, message) {
  if (!condition) throw new Failure(message);
}

// A fresh Chromium with its own profile; problems the page reports (CSP refusals, script
// errors) are collected in `problems` and fail the test at the end.
export async function launch({ width = 1280, height = 800 } = {}) {
  const profile = mkdtempSync(path.join(tmpdir(), "sbx-ui-"));
  // A fresh profile (--user-data-dir) each time: playwright passes it for a persistent context.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run",
    ],
    viewport: { width, height },
    baseURL: BASE,
  });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: BASE }).catch(() => {});
  const page = context.pages()[0] || (await context.newPage());
  page.setDefaultTimeout(15000);
  const problems = [];
  page.on("console", (msg) => {
    const text = msg.text();
    // A 4xx answer the UI expected and handled (such as a wrong code) is not a problem.
    if (msg.type() === "error" && !/Failed to load resource: the server responded with a status of 4\d\d/.test(text)) problems.push(text);
  });
  page.on("pageerror", (e) => problems.push("page error: " + e.message));
  return {
    context, page, problems,
    async close() {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

// Polls until fn() is truthy (returns its value) or fails with `what` after `timeout` ms.
export async function until(what, fn, timeout = 20000) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e.message;
    }
    if (Date.now() > end) throw new Failure(`timed out after ${timeout} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

export async function statusLine(page) {
  return (await page.locator(".run-bar .run-status").textContent()).trim();
}

// Waits for the run status line to match `re`, and for a final status also for the end of
// the run's stream (every line in); returns its text.
export async function waitStatus(page, re, timeout = 30000) {
  return until(`status ${re}`, async () => {
    const text = await statusLine(page);
    if (!re.test(text)) return false;
    const active = /…$|ahead\)$/.test(text);
    return active || (await page.locator(".run-bar .run-status[data-ended]").count()) ? text : false;
  }, timeout);
}

// The console's rows as {stream, text}, in order (all of them fit in view in these tests),
// once the console has painted what it has.
export async function consoleRows(page, selector = ".output-panel .console") {
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  return page.locator(selector + " .console-row").evaluateAll((rows) =>
    rows.map((r) => ({ stream: [...r.classList].find((c) => c !== "console-row"), text: r.textContent })));
}

// Replaces the open file's text in CodeMirror (inserted as one input, so that
// auto-indent does not change it).
export async function setCode(page, text) {
  const content = page.locator(".editor-host .cm-content");
  await content.click();
  await page.keyboard.press("Control+a");
  await page.keyboard.press("Delete");
  await page.keyboard.insertText(text);
}

export async function waitSaved(page) {
  await until("the code to be saved", async () => (await page.locator(".save-state").textContent()) === "All changes saved");
}

export async function shot(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, name + ".png"), fullPage: false });
}

// An accessibility audit of the page as it is (axe-core, WCAG 2 A and AA rules, colour
// contrast included); fails on any serious or critical violation. page.evaluate runs
// outside the page's CSP, so the page's own policy stays as nginx sends it.
export async function audit(page, what) {
  if (!(await page.evaluate(() => !!window.axe))) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
    return result.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
  });
  check(!violations.length, `accessibility of ${what}:\n  ` + violations.join("\n  "));
}

export async function login(page, name, password) {
  await page.goto("/#/login");
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
}

// Creates a project from the projects page and waits for its editor.
export async function createProject(page, name, runtimeName) {
  await page.goto("/#/");
  await page.locator("#new-h").waitFor();
  await page.locator(".create-form").getByLabel("Name").fill(name);
  await page.locator(".runtime-option label", { hasText: runtimeName }).first().click();
  await page.getByRole("button", { name: "Create project" }).click();
  await page.locator(".editor-host .cm-content").waitFor();
  await until("the editor to show the file", async () => (await page.locator(".editor-host .cm-content").textContent()).length > 0);
}

// Logs in and opens a new project's editor.
export async function loginAndCreate(page, user, password, name, runtimeName) {
  await login(page, user, password);
  await page.locator("#new-h").waitFor();
  await createProject(page, name, runtimeName);
}

export async function run(page) {
  await page.getByRole("button", { name: /^Run/ }).click();
}

// RFC 6238: HMAC-SHA1 over the 30 s time step, 6 digits, from a base32 secret.
export function totp(secret, at = Date.now()) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of secret.replace(/=+$/, "").toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const mac = createHmac("sha1", key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1000000;
  return String(value).padStart(6, "0");
}

// Waits until the current TOTP step has at least `seconds` left.
export async function totpSettle(seconds = 6) {
  while (30 - ((Date.now() / 1000) % 30) < seconds) await new Promise((r) => setTimeout(r, 250));
}
