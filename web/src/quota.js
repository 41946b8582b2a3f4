// The five values of a user's quota as the API names them (user JSON, "quota"), with
// their labels and units, shown as people read them and typed as sbx.toml writes them.
import { formatBytes } from "./dom.js";

// kind: "count" (a whole number), "cpus" (a number) or "size" (bytes, or "512M").
export const QUOTA_FIELDS = [
  { key: "max_concurrent_runs", label: "Runs at once", unit: "runs", kind: "count" },
  { key: "max_memory", label: "Memory", unit: "bytes, K, M or G", kind: "size", example: "512M" },
  { key: "max_cpus", label: "CPUs", unit: "CPUs", kind: "cpus" },
  { key: "max_storage", label: "Storage", unit: "bytes, K, M or G", kind: "size", example: "50M" },
  { key: "runs_per_hour", label: "Runs an hour", unit: "runs", kind: "count" },
];

const UNITS = [["G", 1024 ** 3], ["M", 1024 ** 2], ["K", 1024]];

// A value as a table shows it: "512 MB", "2", "1.5".
export function quotaText(field, value) {
  if (value === null || value === undefined) return "–";
  if (field.kind !== "size") return String(value);
  const [unit, size] = UNITS.find(([, size]) => value >= size && value % size === 0) || [];
  return unit ? `${value / size} ${unit}B` : formatBytes(value);
}

// A value as it is typed (and as sbx.toml writes it): "512M", "2", "1.5".
export function quotaSetting(field, value) {
  if (value === null || value === undefined) return "";
  if (field.kind !== "size") return String(value);
  const [unit, size] = UNITS.find(([, size]) => value >= size && value % size === 0) || [];
  return unit ? value / size + unit : String(value);
}

// What is typed, as the API takes it: a number when it is one, else the text itself
// ("512M"; or something wrong, which the server then names).
export function quotaInput(field, text) {
  const number = field.kind === "cpus" ? /^\d+(\.\d+)?$/ : /^\d+$/;
  return number.test(text) ? Number(text) : text;
}

// The configured defaults, as far as the users show them: a value is the default for
// every user whose own quota does not set it.
export function quotaDefaults(users) {
  const defaults = {};
  for (const field of QUOTA_FIELDS) {
    const user = users.find((u) => !u.quota.own?.includes(field.key));
    if (user) defaults[field.key] = user.quota[field.key];
  }
  return defaults;
}
