// The multiple-description tables for docs/coolchic.md from bench/coolchic.mjs's JSON lines ("mdc" and "codec"
// runs of one image): each description's rate and PSNR alone, the central PSNR from both, and the single-description
// fits of the same step budget beside them; the decoder removed by double descent. With --svg DIR, it also writes
// DIR/<image>-mdc-dense.svg and -sparse.svg: PSNR against bits per pixel, side, central and single description.
// Usage: node bench/coolchic-mdc-report.mjs [--svg DIR] results.jsonl...
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as Plot from "@observablehq/plot";
import { plotSvg } from "./plot-svg.mjs";

const args = process.argv.slice(2);
const svgAt = args.indexOf("--svg");
const svgDir = svgAt >= 0 ? args.splice(svgAt, 2)[1] : null;
if (svgDir) mkdirSync(svgDir, { recursive: true });

const points = args
  .flatMap((file) => readFileSync(file, "utf8").split("\n"))
  .filter((l) => l.startsWith("{"))
  .map((l) => JSON.parse(l));

const f = (x, d = 2) => x.toFixed(d);
const fitName = (p) =>
  (p.sparse ? `${p.sparse.kind} ρ=${p.sparse.rho}, ${p.iterations}+${p.sparse.iterations}` : `dense, ${p.iterations}`) +
  (p.sideWeight === undefined ? "" : `, w=${p.sideWeight}`);
/** A fit's setting without its λ: the points of one curve share it. */
const setting = (p) => JSON.stringify([p.iterations, p.sparse ?? null, p.sideWeight ?? null]);
const sameFit = (a, b) =>
  a.image === b.image &&
  a.lambda === b.lambda &&
  a.iterations === b.iterations &&
  (a.sideWeight === undefined || b.sideWeight === undefined) &&
  JSON.stringify(a.sparse ?? null) === JSON.stringify(b.sparse ?? null);
const removed = (now, before) => (before ? ` (${f(100 * (1 - now / before), 0)} %)` : "");

for (const image of [...new Set(points.map((p) => p.image))]) {
  const mdc = points
    .filter((p) => p.image === image && p.codec.startsWith("mdc"))
    .sort((a, b) => Boolean(a.sparse) - Boolean(b.sparse) || b.lambda - a.lambda);
  const single = points.filter((p) => p.image === image && p.codec.startsWith("coolchic"));
  if (!mdc.length) continue;
  const dense = mdc.find((p) => !p.sparse)?.sides[0];
  console.log(`\n#### ${image}: two descriptions\n`);
  console.log(
    "| fit | λ | description 1 bpp | PSNR alone | description 2 bpp | PSNR alone | both bpp | central PSNR | " +
      "single description bpp | PSNR | decoder parameters per description (removed) | MAC/pixel (removed) | " +
      "grids kept | context kept | fit s |",
  );
  console.log("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
  for (const p of mdc) {
    const s = single.find((q) => sameFit(p, q));
    const [a, b] = p.sides;
    const cost = (key, fmt) => [a, b].map((d) => `${fmt(d[key])}${removed(d[key], dense?.[key])}`).join(" / ");
    console.log(
      `| ${fitName(p)} | ${p.lambda} | ${f(a.bpp, 3)} | ${f(a.psnr)} | ${f(b.bpp, 3)} | ${f(b.psnr)} | ` +
        `${f(p.bpp, 3)} | ${f(p.centralPsnr)} | ${s ? f(s.bpp, 3) : "–"} | ${s ? f(s.psnr) : "–"} | ` +
        `${cost("decoderParameters", (v) => v)} | ${cost("macsPerPixel", (v) => f(v, 0))} | ` +
        `${a.keptGrids.length} / ${b.keptGrids.length} | ${a.keptContext} / ${b.keptContext} | ${f(p.fitSeconds, 0)} |`,
    );
  }
  if (svgDir) {
    // Curves only (the settings run at two or more λ), dense and sparse in a figure each.
    const curves = mdc.filter((p) => mdc.filter((q) => setting(q) === setting(p)).length >= 2);
    for (const kind of ["dense", "sparse"]) {
      const of = (p) => (p.sparse ? "sparse" : "dense") === kind;
      const rows = [];
      for (const p of curves.filter(of)) {
        p.sides.forEach((d, i) => rows.push({ series: `side ${i + 1} (one file)`, bpp: d.bpp, psnr: d.psnr }));
        rows.push({ series: "central (both files)", bpp: p.bpp, psnr: p.centralPsnr });
      }
      for (const s of single.filter((q) => of(q) && curves.some((p) => sameFit(p, q))))
        rows.push({ series: "single description", bpp: s.bpp, psnr: s.psnr });
      if (!rows.length) continue;
      const series = ["side 1 (one file)", "side 2 (one file)", "central (both files)", "single description"];
      const ends = series
        .map((name) =>
          rows
            .filter((r) => r.series === name)
            .sort((x, y) => x.bpp - y.bpp)
            .at(-1),
        )
        .filter(Boolean);
      // No title or legend: with them Plot returns an HTML <figure>, not an SVG. Each curve is named at its end.
      const svg = plotSvg({
        width: 640,
        height: 380,
        marginRight: 140,
        x: { label: `${image}, MDC ${kind}: bits per pixel`, grid: true },
        y: { label: "PSNR (dB)", grid: true },
        color: { domain: series, range: ["#1f4fb8", "#2a8a3a", "#c0392b", "#777777"] },
        marks: [
          Plot.line(rows, { x: "bpp", y: "psnr", stroke: "series", sort: "bpp" }),
          Plot.dot(rows, { x: "bpp", y: "psnr", fill: "series", r: 3 }),
          Plot.text(ends, { x: "bpp", y: "psnr", text: "series", fill: "series", dx: 6, textAnchor: "start" }),
        ],
      });
      writeFileSync(`${svgDir}/${image}-mdc-${kind}.svg`, svg);
    }
  }
}
