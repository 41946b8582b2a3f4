// A tiny element builder. Text always goes in as textContent, never as HTML, so nothing
// a user or a program wrote can become markup (the CSP also forbids inline script/style).

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key === "class") el.className = value;
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key in el && typeof value !== "string") el[key] = value;
    else el.setAttribute(key, value === true ? "" : value);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

// An inline SVG icon from a fixed path (ours, never user text), hidden from screen readers.
export function icon(name) {
  const paths = {
    play: "M4 2.5v11l9-5.5z",
    stop: "M3 3h10v10H3z",
    file: "M3 1h6l4 4v10H3zM9 1v4h4",
    plus: "M7 2h2v5h5v2H9v5H7V9H2V7h5z",
  };
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 16 16");
  svg.setAttribute("width", "16");
  svg.setAttribute("height", "16");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const path = document.createElementNS(ns, "path");
  path.setAttribute("d", paths[name]);
  svg.append(path);
  return svg;
}

// Announces a message to screen readers and shows it briefly.
export function toast(message, kind = "info") {
  const box = document.getElementById("toasts");
  const item = h("div", { class: "toast toast-" + kind, role: kind === "error" ? "alert" : "status" }, message);
  box.append(item);
  setTimeout(() => item.remove(), kind === "error" ? 8000 : 4000);
}

export function formatBytes(n) {
  if (n === null || n === undefined) return "–";
  if (n < 1024) return n + " B";
  if (n < 1024 * 1024) return (n / 1024).toFixed(n < 10240 ? 1 : 0) + " KB";
  if (n < 1024 * 1024 * 1024) return Math.round(n / (1024 * 1024)) + " MB";
  return (n / (1024 * 1024 * 1024)).toFixed(1) + " GB";
}

export function formatTime(iso) {
  if (!iso) return "–";
  const d = new Date(iso);
  return d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "medium" });
}
