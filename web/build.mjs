// Bundles the page (web/src/app.js and its training worker web/src/worker.js) and the Cool-chic-lite decoder page
// (web/src/decode.js, for web/decode.html) into web/build/ with esbuild, and
// copies the built-in data set beside them, so that web/ is a folder of static files.
// Why a bundle rather than plain ES modules: Observable Plot's ESM build imports d3 and its helpers by bare
// specifiers, which a browser resolves only through an import map naming each of them in node_modules; and the
// page and its worker both need the library, which code splitting puts in one shared chunk downloaded once.
import { copyFileSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { build } from "esbuild";

const root = new URL("..", import.meta.url).pathname;
const out = `${root}web/build`;

export async function buildWeb() {
  if (!existsSync(`${root}dist/index.js`)) throw new Error("dist/index.js is missing: run `npm run build` first");
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  await build({
    entryPoints: [`${root}web/src/app.js`, `${root}web/src/worker.js`, `${root}web/src/decode.js`],
    outdir: out,
    bundle: true,
    splitting: true,
    format: "esm",
    target: "es2022",
    minify: true,
    legalComments: "none",
    logLevel: "warning",
  });
  copyFileSync(`${root}data/GC_Breast_D_MB.csv`, `${out}/GC_Breast_D_MB.csv`);
  return out;
}

if (process.argv[1] === new URL(import.meta.url).pathname) await buildWeb();
