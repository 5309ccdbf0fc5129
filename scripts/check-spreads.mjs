// Refuses spreading an array into a call where the array can be data-sized: each element becomes an argument on
// the stack, and past ~125k elements the call dies with "Maximum call stack size exceeded" (a 300,000-feature
// table, an 8 MB file). Run by `npm run lint` and the package checks of `npm test`. Loops or reduce instead.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

const root = new URL("../", import.meta.url).pathname;
const FORBIDDEN = /\b(?:Math\.(?:max|min)|String\.fromCharCode|fromCodePoint|\.push|\.unshift|\.splice)\(\s*(?:[^()[\]]*,\s*)?\.\.\./;

function* sources(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(path);
    else if (/\.(ts|js|mjs)$/.test(entry.name) && !/\.generated\./.test(entry.name)) yield path;
  }
}

const found = [];
for (const dir of ["src", "web/src"]) {
  for (const file of sources(join(root, dir))) {
    readFileSync(file, "utf8").split("\n").forEach((line, i) => {
      if (FORBIDDEN.test(line)) found.push(`${relative(root, file)}:${i + 1}: ${line.trim()}`);
    });
  }
}
if (found.length) {
  console.error(`spread of a possibly data-sized array into a call (use a loop or reduce):\n${found.join("\n")}`);
  process.exit(1);
}
console.log("no spread of arrays into calls in src/ or web/src/");
