// The output console. Every line is kept in memory but only the rows in view are in the
// DOM (fixed row height, a spacer for the rest), so a run printing 100 000 lines leaves
// the page responsive. Text goes in as textContent, and control characters are shown as
// caret notation (ESC as ^[), so neither HTML nor terminal escapes do anything.
import { h } from "./dom.js";

const ROW = 20; // px; must match .console-row in app.css
const OVERSCAN = 30;

const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;

// Control characters in caret notation, as `cat -v` shows them: ESC is ^[, BEL ^G, DEL ^?.
// Tabs stay tabs.
export function inert(text) {
  return text.replace(CONTROL, caret);
}

function caret(c) {
  return c === "\u007f" ? "^?" : "^" + String.fromCharCode(c.charCodeAt(0) + 64);
}

// A row's content: text nodes, and each control character as a dimmed ^X of its own so it
// cannot pass for text the program printed.
function rowContent(text) {
  const parts = [];
  let last = 0;
  for (const m of text.matchAll(CONTROL)) {
    if (m.index > last) parts.push(text.slice(last, m.index));
    parts.push(h("span", { class: "ctl", title: "control character " + m[0].charCodeAt(0) }, caret(m[0])));
    last = m.index + 1;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}

const decoder = new TextDecoder("utf-8", { fatal: false });

// The text of an output line as sent by the API: `text`, or `base64` for bytes that are
// not UTF-8 (shown with replacement characters).
export function lineText(line) {
  if (line.text !== undefined) return line.text;
  const bytes = Uint8Array.from(atob(line.base64 || ""), (c) => c.charCodeAt(0));
  return decoder.decode(bytes);
}

export class Console {
  constructor(label = "Output") {
    this.lines = []; // {stream, text}
    this.seen = new Set(); // seqs, so a reconnecting stream never doubles a line
    this.follow = true;
    this.rows = h("div", { class: "console-rows" });
    this.spacer = h("div", { class: "console-spacer" }, this.rows);
    this.empty = h("p", { class: "console-empty" }, "No output yet. Press Run (Ctrl+Enter).");
    // A log, but not live: thousands of lines read aloud would drown the status line,
    // which announces each change of the run.
    this.el = h("div", { class: "console", role: "log", "aria-live": "off", "aria-label": label, tabIndex: 0 }, this.empty, this.spacer);
    this.el.addEventListener("scroll", () => {
      const bottom = this.el.scrollHeight - this.el.clientHeight - this.el.scrollTop;
      this.follow = bottom < ROW * 2;
      this.paint();
    });
    this.frame = 0;
  }

  clear(placeholder = "No output yet. Press Run (Ctrl+Enter).") {
    this.lines = [];
    this.seen.clear();
    this.follow = true;
    this.empty.textContent = placeholder;
    this.empty.hidden = false;
    this.schedule();
  }

  // Adds an output line as the API sends it ({seq, stream, text|base64, eol}).
  add(line) {
    if (line.seq !== undefined) {
      if (this.seen.has(line.seq)) return;
      this.seen.add(line.seq);
    }
    this.lines.push({ stream: line.stream, text: lineText(line) });
    this.empty.hidden = true;
    this.schedule();
  }

  // A note of the UI's own (such as "run 12 was cancelled"), not program output.
  note(text) {
    this.lines.push({ stream: "note", text });
    this.empty.hidden = true;
    this.schedule();
  }

  text() {
    return this.lines.map((l) => inert(l.text)).join("\n");
  }

  schedule() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.spacer.style.height = this.lines.length * ROW + "px";
      if (this.follow) this.el.scrollTop = this.el.scrollHeight;
      this.paint();
    });
  }

  paint() {
    const first = Math.max(0, Math.floor(this.el.scrollTop / ROW) - OVERSCAN);
    const visible = Math.ceil((this.el.clientHeight || 400) / ROW) + 2 * OVERSCAN;
    const last = Math.min(this.lines.length, first + visible);
    if (this.painted && this.painted[0] === first && this.painted[1] === last && this.painted[2] === this.lines.length) return;
    this.painted = [first, last, this.lines.length];
    this.rows.style.transform = `translateY(${first * ROW}px)`;
    const rows = [];
    for (let i = first; i < last; i++) {
      const line = this.lines[i];
      rows.push(h("div", { class: "console-row " + line.stream, dataset: { n: String(i + 1) } }, rowContent(line.text)));
    }
    this.rows.replaceChildren(...rows);
  }
}
