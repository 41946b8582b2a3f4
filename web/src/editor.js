// CodeMirror 6, mounted in a shadow root: CodeMirror's styles then go in as a constructed
// stylesheet (adoptedStyleSheets), which the CSP (style-src 'self') allows, where the
// <style> element it would add to a document is refused.
import { EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter, drawSelection } from "@codemirror/view";
import { EditorState, Compartment } from "@codemirror/state";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { syntaxHighlighting, defaultHighlightStyle, indentOnInput, bracketMatching, StreamLanguage, indentUnit } from "@codemirror/language";
import { python } from "@codemirror/lang-python";
import { go } from "@codemirror/lang-go";
import { javascript } from "@codemirror/lang-javascript";
import { java } from "@codemirror/lang-java";
import { cpp } from "@codemirror/lang-cpp";
import { ruby } from "@codemirror/legacy-modes/mode/ruby";
import { shell } from "@codemirror/legacy-modes/mode/shell";

const byExtension = {
  py: () => python(),
  go: () => go(),
  js: () => javascript(),
  mjs: () => javascript(),
  cjs: () => javascript(),
  java: () => java(),
  c: () => cpp(),
  h: () => cpp(),
  cc: () => cpp(),
  cpp: () => cpp(),
  cxx: () => cpp(),
  hpp: () => cpp(),
  rb: () => StreamLanguage.define(ruby),
  sh: () => StreamLanguage.define(shell),
  bash: () => StreamLanguage.define(shell),
};

// The language of a file by its name; null for plain text.
export function languageFor(path) {
  const ext = path.split(".").pop().toLowerCase();
  return byExtension[ext]?.() ?? [];
}

export const languageNames = { py: "Python", go: "Go", js: "JavaScript", mjs: "JavaScript", java: "Java", c: "C", h: "C", cpp: "C++", cc: "C++", hpp: "C++", rb: "Ruby", sh: "Bash", bash: "Bash" };

const theme = EditorView.theme({
  "&": { height: "100%", fontSize: "14px", backgroundColor: "#fff" },
  ".cm-scroller": { fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace", lineHeight: "1.5" },
  ".cm-gutters": { backgroundColor: "#f6f7f9", color: "#5c6370", borderRight: "1px solid #dde1e6" },
  "&.cm-focused": { outline: "2px solid #2557d6", outlineOffset: "-2px" },
  ".cm-activeLine": { backgroundColor: "#f2f6ff" },
});

// Makes an editor in `host`. onChange(text) after each edit; onRun() on Ctrl/Cmd+Enter.
export function createEditor(host, { onChange, onRun, label }) {
  const shadow = host.attachShadow({ mode: "open" });
  const parent = document.createElement("div");
  parent.className = "cm-host";
  // The host sizes the editor; the shadow root's own box must fill it.
  parent.style.height = "100%";
  shadow.append(parent);
  const language = new Compartment();
  const readOnly = new Compartment();
  const view = new EditorView({
    parent,
    root: shadow,
    state: EditorState.create({ doc: "", extensions: [] }),
  });
  const extensions = (path, ro) => [
    lineNumbers(),
    highlightActiveLineGutter(),
    highlightActiveLine(),
    drawSelection(),
    history(),
    indentOnInput(),
    bracketMatching(),
    indentUnit.of("    "),
    syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
    keymap.of([
      { key: "Mod-Enter", preventDefault: true, run: () => (onRun?.(), true) },
      ...defaultKeymap,
      ...historyKeymap,
      indentWithTab,
    ]),
    language.of(languageFor(path)),
    readOnly.of([EditorState.readOnly.of(ro), EditorView.editable.of(!ro)]),
    EditorView.contentAttributes.of({ "aria-label": label(path), "aria-multiline": "true" }),
    EditorView.updateListener.of((u) => {
      if (u.docChanged) onChange?.(u.state.doc.toString());
    }),
    theme,
  ];
  return {
    view,
    // Shows a file: its text, its language, read-only or not. No change event.
    open(path, text, ro = false) {
      view.setState(EditorState.create({ doc: text, extensions: extensions(path, ro) }));
    },
    text: () => view.state.doc.toString(),
    focus: () => view.focus(),
  };
}
