// Program arguments typed on one line, split as a shell would for quotes and backslashes
// (no variables, no globbing): a "b c" 'd e' → [a, b c, d e].
export function splitArgs(line) {
  const args = [];
  let current = null, quote = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = null;
      else if (c === "\\" && quote === '"' && i + 1 < line.length) current += line[++i];
      else current += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      current ??= "";
    } else if (c === "\\" && i + 1 < line.length) {
      current = (current ?? "") + line[++i];
    } else if (/\s/.test(c)) {
      if (current !== null) args.push(current);
      current = null;
    } else {
      current = (current ?? "") + c;
    }
  }
  if (current !== null) args.push(current);
  return args;
}
