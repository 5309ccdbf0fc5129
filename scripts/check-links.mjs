// Checks the relative links of README.md, CONTRIBUTING.md, CHANGELOG.md and docs/*.md: every linked file exists and
// every #anchor names a heading of its page (GitHub's slugs). Run by `npm run docs` and the package checks.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";

const root = new URL("../", import.meta.url).pathname;
const pages = [
  "README.md",
  "CONTRIBUTING.md",
  "CHANGELOG.md",
  ...readdirSync(join(root, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
]
  .map((page) => join(root, page))
  .filter((path) => existsSync(path));

const slug = (heading) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\- _]/gu, "")
    .replace(/ /g, "-");
const anchorsOf = new Map();
function anchors(path) {
  if (!anchorsOf.has(path)) {
    const text = readFileSync(path, "utf8").replace(/```[\s\S]*?```/g, "");
    anchorsOf.set(path, new Set([...text.matchAll(/^#{1,6} (.*)$/gm)].map((m) => slug(m[1]))));
  }
  return anchorsOf.get(path);
}

const broken = [];
for (const page of pages) {
  const text = readFileSync(page, "utf8").replace(/```[\s\S]*?```/g, "");
  for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
    if (/^[a-z]+:/.test(target)) continue;
    const [file, anchor] = target.split("#");
    const path = file ? join(dirname(page), decodeURI(file)) : page;
    if (!existsSync(path)) broken.push(`${relative(root, page)}: ${target} (no such file)`);
    else if (anchor && path.endsWith(".md") && !anchors(path).has(anchor))
      broken.push(`${relative(root, page)}: ${target} (no such heading)`);
  }
}
if (broken.length) {
  console.error(`broken links:\n${broken.join("\n")}`);
  process.exit(1);
}
console.log(`links of ${pages.length} pages checked`);
