// The editor page: files, code, Run/Stop, the console, and the panels around them.
import { api, get, patch, post, filePath } from "../api.js";
import { h, clear, icon, toast } from "../dom.js";
import { session } from "../session.js";
import { runtime as runtimeOf } from "../runtimes.js";
import { createEditor } from "../editor.js";
import { Saver } from "../saver.js";
import { Console } from "../console.js";
import { RunWatcher } from "../run.js";
import { ACTIVE } from "../runstatus.js";
import { FileList } from "../filelist.js";
import { History } from "../history.js";
import { EnvPanel } from "../envpanel.js";
import { faqPanel } from "../faq.js";
import { tabs } from "../tabs.js";
import { splitArgs } from "../args.js";
import { promptDialog } from "../dialog.js";

export async function editorPage(main, id) {
  const project = await get("/projects/" + id);
  const rt = await runtimeOf(project.runtime).catch(() => null);
  const me = session.user;
  const mine = project.owner === me.name || me.admin;
  const texts = new Map(); // path -> text as last loaded or typed

  // --- header: name, runtime, save state, visibility, fork
  const saveState = h("span", { class: "save-state", role: "status", "aria-live": "polite" }, "All changes saved");
  const saver = new Saver(project.id, (state, message) => {
    saveState.dataset.state = state;
    saveState.textContent = { saved: "All changes saved", unsaved: "Unsaved changes", saving: "Saving…", error: message }[state];
  });
  saver.readOnly = !mine;
  // A switch named "Public": on is public, off is private.
  const visibility = h("button", { type: "button", role: "switch", class: "small switch", title: "Anyone logged in can see, run and fork a public project",
    onclick: async () => {
      const next = project.visibility === "public" ? "private" : "public";
      try {
        Object.assign(project, await patch("/projects/" + project.id, { visibility: next }));
        showVisibility();
        toast(`The project is ${project.visibility} now`);
      } catch (e) {
        toast(e.message, "error");
      }
    } }, "Public");
  const showVisibility = () => visibility.setAttribute("aria-checked", String(project.visibility === "public"));
  showVisibility();
  const fork = h("button", { type: "button", class: "small", onclick: () => forkProject(project) }, "Fork");
  main.append(h("div", { class: "editor-head" },
    h("h1", {}, project.full_name),
    h("span", { class: "badge", title: rt?.description || "" }, rt ? rt.name : project.runtime),
    mine ? visibility : h("span", { class: "badge" }, project.visibility),
    fork,
    h("a", { class: "small button", href: `/api/v1/projects/${project.id}/export?format=zip`, download: "" }, "Download .zip"),
    mine ? saveState : h("span", { class: "hint" }, "Read-only: fork it to make changes.")));

  // --- the code editor
  const host = h("div", { class: "editor-host" });
  const editor = createEditor(host, {
    label: (path) => `Code editor, ${path}`,
    onChange: (text) => {
      texts.set(files.current, text);
      saver.change(files.current, text);
    },
    onRun: () => runNow(),
  });
  const files = new FileList(project, saver, { readOnly: !mine, onOpen: (path) => openFile(path) });
  files.onRenamed = (from, to) => {
    texts.set(to, texts.get(from));
    texts.delete(from);
    if (files.current === from) openFile(to);
  };
  files.onDeleted = (path) => {
    texts.delete(path);
    if (files.current === path) openFile(files.files[0]?.path);
  };

  async function openFile(path) {
    if (!path) {
      files.select(null);
      editor.open("none.txt", "", true);
      return;
    }
    if (!texts.has(path)) {
      try {
        texts.set(path, await api("GET", `/projects/${project.id}/files/${filePath(path)}`));
      } catch (e) {
        toast(`Could not open ${path}: ${e.message}`, "error");
        return;
      }
    }
    files.select(path);
    editor.open(path, texts.get(path), !mine);
    currentFile.textContent = path;
  }

  // --- run bar
  const status = h("p", { class: "run-status", role: "status", "aria-live": "polite" }, "Ready");
  const runButton = h("button", { type: "button", class: "run", "aria-label": "Run (Ctrl+Enter)", title: "Run (Ctrl+Enter)", onclick: () => runNow() }, icon("play"), h("span", {}, "Run"));
  const stopButton = h("button", { type: "button", class: "stop", "aria-label": "Stop", title: "Stop the run", disabled: true, onclick: () => stopNow() }, icon("stop"), h("span", {}, "Stop"));
  const stdin = h("textarea", { id: "stdin", rows: 3, spellcheck: "false", placeholder: "Standard input for the program" });
  const args = h("input", { id: "args", spellcheck: "false", autocomplete: "off", placeholder: 'arg1 "arg two"' });
  // Optional limits below the runtime's (the server refuses more than the admin's cap).
  const timeLimit = h("input", { id: "limit-time", spellcheck: "false", autocomplete: "off", placeholder: rt?.limits?.wall_time || "10s", "aria-describedby": "limits-hint" });
  const memoryLimit = h("input", { id: "limit-memory", spellcheck: "false", autocomplete: "off", placeholder: rt?.limits?.memory || "256M", "aria-describedby": "limits-hint" });
  const output = new Console("Program output");
  const watcher = new RunWatcher(output, (run, text) => {
    // The same text again (a queued run polled) is not announced again.
    if (status.textContent !== text) status.textContent = text;
    status.dataset.status = run.status;
    stopButton.disabled = !ACTIVE.has(run.status);
    if (!ACTIVE.has(run.status)) history.load();
  });
  watcher.onReplaced = () => history.load();
  // Every line of the run has arrived (tests wait for this too).
  watcher.onEnd = (run) => {
    status.dataset.ended = String(run.id);
  };

  let starting = false;
  async function runNow() {
    if (starting) return;
    starting = true;
    // Said at once, so that the last run's result never reads as this one's.
    status.textContent = "Starting…";
    status.dataset.status = "starting";
    delete status.dataset.ended;
    try {
      await startRun();
    } finally {
      starting = false;
    }
  }

  async function startRun() {
    try {
      await saver.flush();
    } catch (e) {
      toast("Not run: the code could not be saved (" + e.message + ")", "error");
      return;
    }
    const request = {};
    if (stdin.value) request.stdin = stdin.value;
    const argv = splitArgs(args.value);
    if (argv.length) request.args = argv;
    const limits = {};
    if (timeLimit.value.trim()) limits.timeout = timeLimit.value.trim();
    if (memoryLimit.value.trim()) limits.memory = memoryLimit.value.trim();
    if (Object.keys(limits).length) request.limits = limits;
    if (files.current && rt?.file && files.files.every((f) => f.path !== rt.file)) request.entry = files.current;
    runButton.disabled = true;
    try {
      panel.show("output");
      await watcher.start(project.id, request);
      history.load();
    } catch (e) {
      status.textContent = "Not started: " + e.message;
      status.dataset.status = "error";
    } finally {
      runButton.disabled = false;
    }
  }

  async function stopNow() {
    stopButton.disabled = true;
    try {
      await watcher.stop();
    } catch (e) {
      toast(e.message, "error");
      stopButton.disabled = false;
    }
  }

  // --- panels
  const history = new History(project.id);
  const env = new EnvPanel(project.id);
  const faq = h("div", { class: "faq-list" });
  const copyOut = h("button", { type: "button", class: "small ghost", onclick: () => navigator.clipboard?.writeText(output.text()).then(() => toast("Output copied")) }, "Copy output");
  const panel = tabs("Run panels", [
    { id: "output", label: "Output", el: h("div", { class: "output-panel" }, output.el, h("div", { class: "console-tools" }, h("span", { class: "legend" }, h("span", { class: "stdout-key" }, "stdout"), h("span", { class: "stderr-key" }, "stderr")), copyOut)) },
    { id: "input", label: "Input", el: h("div", { class: "input-panel" },
      h("label", { for: "stdin" }, "Standard input"), stdin,
      h("label", { for: "args" }, "Program arguments"), args,
      h("p", { class: "hint" }, "Split like a shell would: quotes group words."),
      h("div", { class: "limit-fields" },
        h("div", {}, h("label", { for: "limit-time" }, "Time limit"), timeLimit),
        h("div", {}, h("label", { for: "limit-memory" }, "Memory limit"), memoryLimit)),
      h("p", { class: "hint", id: "limits-hint" }, "Empty: the runtime's own limits. Such as 5s, 2m; 128M, 1G.")) },
    { id: "history", label: "History", el: history.el, onShow: () => history.load() },
    ...(mine ? [{ id: "env", label: "Env vars", el: env.el, onShow: () => env.load() }] : []),
    { id: "faq", label: "FAQ", el: faq, onShow: () => faqPanel(faq, project.runtime) },
  ]);

  const currentFile = h("span", { class: "current-file" });
  main.append(h("div", { class: "editor-layout" },
    files.el,
    h("section", { class: "code", "aria-label": "Code" },
      h("div", { class: "code-head" }, currentFile, h("span", { class: "hint" }, "Ctrl+Enter runs · Esc then Tab leaves the editor")),
      host),
    h("section", { class: "side", "aria-label": "Run" },
      h("div", { class: "run-bar" }, runButton, stopButton, status),
      panel.el)));

  await files.load();
  if (mine) {
    const restored = Object.keys(saver.restore(files.files.map((f) => f.path)));
    for (const path of restored) texts.set(path, saver.pending.get(path));
    if (restored.length) toast(`Restored changes not saved last time: ${restored.join(", ")}`);
  }
  const first = files.files.find((f) => f.path === rt?.file) || files.files[0];
  await openFile(first?.path);

  // Resume a run that is still going (the page was reloaded).
  get(`/projects/${project.id}/runs`).then((runs) => {
    const going = runs.find((r) => ACTIVE.has(r.status));
    if (going && !watcher.run) watcher.watch(going);
  }).catch(() => {});

  const onKey = (e) => {
    // The editor's own keymap has run it already (and prevented the default).
    if ((e.ctrlKey || e.metaKey) && e.key === "Enter" && !e.defaultPrevented) {
      e.preventDefault();
      runNow();
    }
  };
  document.addEventListener("keydown", onKey);
  const onUnload = (e) => {
    if (saver.dirty) e.preventDefault();
  };
  window.addEventListener("beforeunload", onUnload);
  return async () => {
    document.removeEventListener("keydown", onKey);
    window.removeEventListener("beforeunload", onUnload);
    watcher.close();
    await saver.flush().catch(() => toast("Some changes were not saved", "error"));
  };
}

async function forkProject(project) {
  let name = project.name;
  for (;;) {
    try {
      const copy = await post(`/projects/${project.id}/fork`, { name });
      toast(`Forked as ${copy.full_name}`);
      location.hash = "#/p/" + copy.id;
      return;
    } catch (e) {
      if (e.status !== 409) return toast(e.message, "error");
      name = await promptDialog(`You have a project named ${name}. Name of the copy:`, name + "-fork", "Fork");
      if (!name) return;
    }
  }
}
