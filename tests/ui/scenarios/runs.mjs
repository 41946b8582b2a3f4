// Running code: Run and Stop, replacing a run, compile errors, output, input, the queue.
// Each scenario gets a fresh browser and the users named in its arguments, and throws
// on failure (tests/ui/run.mjs runs one; tests/ui/ui.bats runs them all).
import { audit, check, until, waitStatus, loginAndCreate, consoleRows, setCode, shot, run } from "../lib.mjs";

const texts = (rows) => rows.map((r) => r.text);

export const scenarios = {
  // An endless loop stopped with Stop; then a run replaced by a newer one while active,
  // the older shown cancelled; history shows the old code.
  async "stop-and-replace"({ page }, { user, password }) {
    await loginAndCreate(page, user, password, "loop", "Python 3.11");
    await setCode(page, 'import time\nn = 0\nwhile True:\n    n += 1\n    print("tick", n)\n    time.sleep(0.2)\n');
    await run(page);
    await waitStatus(page, /^Running…$/, 30000);
    await until("a tick", async () => texts(await consoleRows(page)).includes("tick 2"));
    const stop = page.getByRole("button", { name: "Stop" });
    check(await stop.isEnabled(), "Stop is enabled while running");
    await stop.click();
    const cancelled = await waitStatus(page, /^Cancelled/);
    check(await stop.isDisabled(), "Stop is disabled once it ended: " + cancelled);

    // Run the loop again, then change the code and run while it is active.
    await run(page);
    await waitStatus(page, /^Running…$/, 30000);
    await until("a tick", async () => texts(await consoleRows(page)).includes("tick 1"));
    await setCode(page, 'print("the newer code")\n');
    await page.keyboard.press("Control+Enter");
    await waitStatus(page, /^Finished: exit 0/);
    const rows = await consoleRows(page);
    check(rows.some((r) => r.stream === "note" && /^Run \d+ was cancelled: replaced by run \d+\.$/.test(r.text)), "the console tells the old run was replaced: " + JSON.stringify(rows));
    check(texts(rows).includes("the newer code"), "the newer run's output: " + JSON.stringify(rows));

    await page.getByRole("tab", { name: "History" }).click();
    const historyRows = page.locator(".runs tbody tr");
    await until("three runs in the history", async () => (await historyRows.count()) === 3);
    const statuses = await page.locator(".runs tbody .status").allTextContents();
    check(JSON.stringify(statuses) === JSON.stringify(["succeeded", "cancelled", "cancelled"]), "history statuses: " + statuses);
    await shot(page, "history");
    // The replaced run: its status says why, and it shows the loop it ran.
    await historyRows.nth(1).getByRole("button").click();
    await page.locator(".run-detail pre.code").first().waitFor();
    const code = await page.locator(".run-detail pre.code").first().textContent();
    check(code.includes("while True:") && !code.includes("the newer code"), "the old run's code: " + code);
    const detailStatus = await page.locator(".run-detail .run-status").textContent();
    check(/^Cancelled: replaced by run \d+$/.test(detailStatus), "the old run's status: " + detailStatus);
    await until("the old run's output", async () => texts(await consoleRows(page, ".run-detail .console")).includes("tick 1"));
    await shot(page, "history-run");
    await audit(page, "a run of the history");
  },

  // A Go project compiles and runs; a compile error is shown as one.
  async go({ page }, { user, password }) {
    await loginAndCreate(page, user, password, "gohello", "Go 1.19");
    check((await page.locator(".editor-host .cm-content").textContent()).includes("package main"), "the Go hello world");
    await run(page);
    await waitStatus(page, /^Finished: exit 0/, 90000);
    check(texts(await consoleRows(page)).includes("Hello, world!"), "Go output");
    await shot(page, "editor-go");
    await setCode(page, 'package main\n\nfunc main() {\n\tundefinedThing()\n}\n');
    await run(page);
    const text = await waitStatus(page, /^Compile error: exit \d+/, 90000);
    const rows = await consoleRows(page);
    check(rows.some((r) => /undefined: undefinedThing/.test(r.text)), "the compiler's message: " + JSON.stringify(rows) + " " + text);
    const statusColor = await page.locator(".run-bar .run-status").evaluate((el) => getComputedStyle(el).color);
    check(statusColor === "rgb(164, 14, 38)", "a compile error is shown in red: " + statusColor);
    await shot(page, "compile-error");
  },

  // Output with HTML and terminal escapes is shown as text and does nothing.
  async "inert-output"({ page }, { user, password }) {
    await loginAndCreate(page, user, password, "inert", "Python 3.11");
    await setCode(page, 'print("<script>window.pwned = 1</script><img src=x onerror=\\"window.pwned = 2\\">")\nprint("\\x1b[31mred\\x1b[0m \\x1b]0;title\\x07 <b>bold</b>")\n');
    await run(page);
    await waitStatus(page, /^Finished: exit 0/);
    const rows = await consoleRows(page);
    check(rows[0]?.text === '<script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">', "HTML kept as text: " + JSON.stringify(rows));
    check(rows[1]?.text === "^[[31mred^[[0m ^[]0;title^G <b>bold</b>", "escapes shown in caret notation: " + JSON.stringify(rows));
    const live = await page.evaluate(() => ({
      pwned: window.pwned,
      elements: document.querySelectorAll(".console script, .console img, .console b").length,
      controls: document.querySelectorAll(".console .ctl").length,
    }));
    check(live.pwned === undefined && live.elements === 0, "nothing ran and no element was made: " + JSON.stringify(live));
    check(live.controls === 4, "each control character marked as one: " + JSON.stringify(live));
    await shot(page, "inert-output");
  },

  // Long output stays responsive (only the rows in view are in the page) and output past
  // the cap ends with the "cut" marker and a status naming the limit.
  async "long-output"({ page }, { user, password }) {
    await loginAndCreate(page, user, password, "long", "Python 3.11");
    // A thousand lines a write: the page is under test, not gVisor's cost per write (on a
    // slow host 30000 one-line writes did not reach the 1M cap within the 10 s limit).
    await setCode(page, 'import sys\nfor s in range(0, 30000, 1000):\n    sys.stdout.write("".join("line %d %s\\n" % (i, "x" * 40) for i in range(s, s + 1000)))\n');
    await run(page);
    const text = await waitStatus(page, /^Output cut/, 60000);
    check(/output limit of 1M/.test(text), "the status names the limit: " + text);
    const info = await until("every line to arrive", async () => {
      const r = await page.evaluate(() => {
        const el = document.querySelector(".output-panel .console");
        const rows = el.querySelectorAll(".console-row");
        return { rows: rows.length, last: rows[rows.length - 1]?.textContent, lastClass: rows[rows.length - 1]?.className, height: el.scrollHeight };
      });
      return /output cut here/.test(r.last || "") ? r : false;
    }, 30000);
    check(info.rows < 400, "only the rows in view are in the DOM: " + info.rows);
    check(info.height > 20000 * 20, "the console scrolls over every line: " + info.height);
    check(/console-row sbx/.test(info.lastClass) && /1M|1048576/.test(info.last), "the cut marker: " + JSON.stringify(info));
    // Scrolled to the top, the first line is there.
    await page.locator(".output-panel .console").evaluate((el) => { el.scrollTop = 0; });
    await until("the first line", async () => (await page.locator(".output-panel .console .console-row").first().textContent()) === "line 0 " + "x".repeat(40));
    await shot(page, "long-output");
  },

  // Standard input and arguments reach the program; a run waiting for a free place says
  // "Queued (n ahead)" and then runs.
  async "input-and-queue"({ page }, { user, password }) {
    await loginAndCreate(page, user, password, "io", "Python 3.11");
    await setCode(page, 'import sys\nprint(sys.argv[1:])\nprint(sys.stdin.read().upper())\n');
    await page.getByRole("tab", { name: "Input" }).click();
    await page.getByLabel("Standard input").fill("abc");
    await page.getByLabel("Program arguments").fill('one "two three"');
    await shot(page, "input");
    await run(page);
    await waitStatus(page, /^Finished: exit 0/);
    const rows = texts(await consoleRows(page));
    check(rows[0] === "['one', 'two three']" && rows[1] === "ABC", "stdin and args: " + JSON.stringify(rows));

    // Two endless runs of other projects take this user's two places (quota and host),
    // and a third waits for one of them.
    const api = (method, path, body) => page.evaluate(async ([method, path, body]) => {
      const r = await fetch("/api/v1" + path, { method, headers: { "Content-Type": "application/json" }, body: body && JSON.stringify(body) });
      return r.json();
    }, [method, path, body]);
    const busy = [];
    try {
      for (const name of ["busy1", "busy2", "busy3"]) {
        const p = await api("POST", "/projects", { name, runtime: "python-3.11" });
        await api("PUT", `/projects/${p.id}/files/main.py`, { text: "import time\nwhile True: time.sleep(1)\n" });
        busy.push((await api("POST", `/projects/${p.id}/runs`, {})).id);
        // In order: the first two running, so that the third is the only run ahead.
        if (busy.length < 3) await until(`busy run ${busy.length} to run`, async () => (await api("GET", "/runs/" + busy.at(-1))).status === "running", 30000);
      }
      const third = await api("GET", "/runs/" + busy[2]);
      check(third.status === "queued" && third.queue_position === 0, "the third busy run waits, next to start: " + JSON.stringify(third));

      await run(page);
      await waitStatus(page, /^Queued \(1 ahead\)$/, 20000);
      // The run ahead gives up its place: the count goes down while this one waits.
      await api("POST", `/runs/${busy[2]}/cancel`);
      await waitStatus(page, /^Queued \(0 ahead\)$/, 10000);
      await shot(page, "queued");
      await api("POST", `/runs/${busy[0]}/cancel`);
      await waitStatus(page, /^Finished: exit 0/, 40000);
    } finally {
      await page.evaluate((ids) => Promise.all(ids.map((id) => fetch(`/api/v1/runs/${id}/cancel`, { method: "POST" }))), busy);
    }
  },

  // Limits asked for in the Input panel: a run past its time limit and one past its
  // memory limit end as such, naming the limit.
  async limits({ page }, { user, password }) {
    await loginAndCreate(page, user, password, "limits", "Python 3.11");
    await setCode(page, "while True:\n    pass\n");
    await page.getByRole("tab", { name: "Input" }).click();
    await page.getByLabel("Time limit").fill("2s");
    await run(page);
    const timedOut = await waitStatus(page, /^Timed out/, 30000);
    check(timedOut === "Timed out: run time limit of 2s reached", "the time limit: " + timedOut);
    await shot(page, "timeout");
    await setCode(page, 'data = b"x" * (400 << 20)\nprint(len(data))\n');
    await page.getByRole("tab", { name: "Input" }).click();
    await page.getByLabel("Time limit").fill("");
    await page.getByLabel("Memory limit").fill("64M");
    await run(page);
    const oom = await waitStatus(page, /^(Out of memory|Finished)/, 30000);
    check(oom === "Out of memory (limit 64M)", "the memory limit: " + oom);
  },
};
