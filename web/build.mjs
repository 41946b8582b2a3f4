// Bundles web/src into share/www/app.js and share/www/app.css (no CDN at run time).
import * as esbuild from "esbuild";
import { fileURLToPath } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.join(here, "..", "share", "www");

await esbuild.build({
  entryPoints: { app: path.join(here, "src", "main.js") }, // app.js and, from its CSS import, app.css
  outdir: out,
  bundle: true,
  minify: true,
  sourcemap: true,
  format: "esm",
  target: ["es2022"],
  legalComments: "linked",
  logLevel: "warning",
});
