// Tables for docs/coolchic.md from bench/coolchic.mjs's JSON lines: Cool-chic-lite's points, JPEG and WebP at the
// nearest rates, and the Bjøntegaard delta rate (BD-rate) against JPEG over the PSNR range both cover.
// The rate–distortion points are the dense fits of RD_ITERATIONS steps (default: the step count most dense points
// have); every other Cool-chic-lite point of an image (sparse fits, longer dense fits) goes in its second table.
// The sparse fits of one setting (kind, ρ, steps) at 3 or more λ are a sparse rate–distortion curve, with its own
// BD-rate. With --svg DIR, it also writes DIR/<image>-rd.svg (PSNR against bpp, the codecs) and
// DIR/<image>-sparsity.svg (PSNR against the share of the decoder's parameters and multiplications removed, at the
// sparse runs' λ).
// Usage: [RD_ITERATIONS=n] node bench/coolchic-report.mjs [--svg DIR] results.jsonl...
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as Plot from "@observablehq/plot";
import { plotSvg } from "./plot-svg.mjs";

const args = process.argv.slice(2);
const svgAt = args.indexOf("--svg");
const svgDir = svgAt >= 0 ? args.splice(svgAt, 2)[1] : null;
if (svgDir) mkdirSync(svgDir, { recursive: true });

const points = args
  .flatMap((f) => readFileSync(f, "utf8").split("\n"))
  .filter((l) => l.startsWith("{"))
  .map((l) => JSON.parse(l));

/** Least-squares polynomial a0 + a1·x + … of `degree` through (x, y), by the normal equations. */
function polyfit(xs, ys, degree) {
  const n = degree + 1;
  const m = Array.from({ length: n }, () => new Array(n + 1).fill(0));
  xs.forEach((x, i) => {
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) m[r][c] += x ** (r + c);
      m[r][n] += ys[i] * x ** r;
    }
  });
  for (let c = 0; c < n; c++) {
    const p = m.slice(c).reduce((best, row, k) => (Math.abs(row[c]) > Math.abs(m[best][c]) ? c + k : best), c);
    [m[c], m[p]] = [m[p], m[c]];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r][c] / m[c][c];
      for (let k = c; k <= n; k++) m[r][k] -= f * m[c][k];
    }
  }
  return m.map((row, r) => row[n] / row[r]);
}

const integral = (a, lo, hi) => a.reduce((s, coef, k) => s + (coef * (hi ** (k + 1) - lo ** (k + 1))) / (k + 1), 0);

/**
 * BD-rate of `test` against `anchor` (arrays of { bpp, psnr }), in %: negative saves bits. Cubic fits as
 * Bjøntegaard's, quadratic for a curve of 3 points.
 */
function bdRate(anchor, test) {
  const lo = Math.max(Math.min(...anchor.map((p) => p.psnr)), Math.min(...test.map((p) => p.psnr)));
  const hi = Math.min(Math.max(...anchor.map((p) => p.psnr)), Math.max(...test.map((p) => p.psnr)));
  if (!(hi > lo)) return null;
  const fit = (ps) =>
    polyfit(
      ps.map((p) => p.psnr),
      ps.map((p) => Math.log10(p.bpp)),
      Math.min(3, ps.length - 1),
    );
  const diff = (integral(fit(test), lo, hi) - integral(fit(anchor), lo, hi)) / (hi - lo);
  return { percent: (10 ** diff - 1) * 100, lo, hi };
}

const f = (x, d = 2) => x.toFixed(d);
const denseCounts = new Map();
for (const p of points.filter((p) => p.codec === "coolchic"))
  denseCounts.set(p.iterations, (denseCounts.get(p.iterations) ?? 0) + 1);
const rdIterations = Number(
  process.env.RD_ITERATIONS ?? [...denseCounts].reduce((best, e) => (e[1] > best[1] ? e : best), [0, 0])[0],
);
/** The estimated rate (bits per pixel, noisy latent) at the last step before hard rounding, from the loss curve. */
const noisyRate = (p) => {
  const last = p.iterations - Math.round(p.iterations * 0.1);
  const phase = p.sparse ? "sparse" : "dense";
  const before = (p.curve ?? []).filter((c) => c[0] === phase && c[1] <= (p.sparse ? p.sparse.iterations * 0.9 : last));
  return before.length ? f(before.at(-1)[3], 3) : "–";
};
for (const image of [...new Set(points.map((p) => p.image))]) {
  const of = (codec) => points.filter((p) => p.image === image && p.codec === codec).sort((a, b) => a.bpp - b.bpp);
  const jpeg = of("jpeg"),
    webp = of("webp"),
    cc = of("coolchic").filter((p) => p.iterations === rdIterations && !p.softRounding && !p.roundingFraction);
  // The sparse setting fitted at the most λ values (3 or more): the sparse rate–distortion curve.
  const settings = new Map();
  for (const p of of("coolchic-sparse").filter((p) => p.sparse && !p.softRounding && !p.roundingFraction)) {
    const name = `${p.sparse.kind} ρ=${p.sparse.rho}, ${p.iterations}+${p.sparse.iterations}`;
    settings.set(name, [...(settings.get(name) ?? []), p]);
  }
  const [sparseName, sparseCurve] = [...settings]
    .map(([name, ps]) => [name, [...new Map(ps.map((p) => [p.lambda, p])).values()].sort((a, b) => a.bpp - b.bpp)])
    .reduce((best, e) => (e[1].length > best[1].length ? e : best), ["", []]);
  const sparseRd = sparseCurve.length >= 3 ? sparseCurve : [];
  console.log(`\n### ${image}\n`);
  if (cc.length) {
    console.log(
      `Cool-chic-lite ${rdIterations} steps. Noisy rate: the latent's estimated rate just before hard rounding.\n`,
    );
    console.log("| λ | Cool-chic-lite bpp | PSNR | noisy rate | JPEG (nearest rate) bpp | PSNR | WebP bpp | PSNR |");
    console.log("|---|---|---|---|---|---|---|---|");
    const nearest = (list, bpp) => list.reduce((b, p) => (Math.abs(p.bpp - bpp) < Math.abs(b.bpp - bpp) ? p : b));
    for (const p of cc) {
      const j = nearest(jpeg, p.bpp),
        w = nearest(webp, p.bpp);
      console.log(
        `| ${p.lambda} | ${f(p.bpp, 3)} | ${f(p.psnr)} | ${noisyRate(p)} | ` +
          `${f(j.bpp, 3)} (q ${j.q}) | ${f(j.psnr)} | ` +
          `${f(w.bpp, 3)} (q ${w.q}) | ${f(w.psnr)} |`,
      );
    }
    const bd = cc.length >= 4 ? bdRate(jpeg, cc) : null;
    const bdw = bdRate(jpeg, webp);
    console.log("");
    if (bd) console.log(`BD-rate vs JPEG: Cool-chic-lite ${f(bd.percent, 1)} % (PSNR ${f(bd.lo)}–${f(bd.hi)} dB)`);
    const bds = sparseRd.length ? bdRate(jpeg, sparseRd) : null;
    if (bds) {
      const range = `PSNR ${f(bds.lo)}–${f(bds.hi)} dB, ${sparseRd.length} λ`;
      console.log(`BD-rate vs JPEG: Cool-chic-lite sparse (${sparseName}) ${f(bds.percent, 1)} % (${range})`);
    }
    if (svgDir) {
      const names = { coolchic: "Cool-chic-lite", "coolchic-sparse": "sparse" };
      const rows = [...jpeg, ...webp, ...cc, ...sparseRd].map((p) => ({ ...p, codec: names[p.codec] ?? p.codec }));
      // No title or legend: with them Plot returns an HTML <figure>, not an SVG. Each curve is named at its end.
      const codecs = ["jpeg", "webp", "Cool-chic-lite", "sparse"];
      const ends = codecs.map((c) => rows.filter((p) => p.codec === c).at(-1)).filter(Boolean);
      const svg = plotSvg({
        width: 600,
        height: 380,
        marginRight: 90,
        x: { label: `${image}: bits per pixel (whole file)`, grid: true },
        y: { label: "PSNR (dB)", grid: true },
        color: { domain: codecs, range: ["#1f4fb8", "#2a8a3a", "#c0392b", "#e67e22"] },
        marks: [
          Plot.line(rows, { x: "bpp", y: "psnr", stroke: "codec", sort: "bpp" }),
          Plot.dot(rows, { x: "bpp", y: "psnr", fill: "codec", r: 3 }),
          Plot.text(ends, { x: "bpp", y: "psnr", text: "codec", fill: "codec", dx: 6, textAnchor: "start" }),
        ],
      });
      writeFileSync(`${svgDir}/${image}-rd.svg`, svg);
    }
    if (bdw) console.log(`BD-rate vs JPEG: WebP ${f(bdw.percent, 1)} % (PSNR ${f(bdw.lo)}–${f(bdw.hi)} dB)`);
  } else {
    const bdw = bdRate(jpeg, webp);
    console.log("| q | JPEG bpp | PSNR | WebP bpp | PSNR |\n|---|---|---|---|---|");
    for (const j of jpeg) {
      const w = webp.find((p) => p.q === j.q);
      console.log(`| ${j.q} | ${f(j.bpp, 3)} | ${f(j.psnr)} | ${f(w.bpp, 3)} | ${f(w.psnr)} |`);
    }
    if (bdw) console.log(`\nBD-rate vs JPEG: WebP ${f(bdw.percent, 1)} % (PSNR ${f(bdw.lo)}–${f(bdw.hi)} dB)`);
  }
  // The sparse fits and longer dense fits, by multiplications per pixel (the dense ones first).
  const others = points
    .filter((p) => p.image === image && p.codec.startsWith("coolchic") && !cc.includes(p))
    .sort((a, b) => b.macsPerPixel.total - a.macsPerPixel.total);
  if (others.length) {
    console.log(
      "\n| fit | λ | bpp | PSNR | decoder parameters (removed) | MAC/pixel (removed) | grids kept | context kept | " +
        "hidden units kept (synthesis, ARM) | vs dense 3000 at its λ: dB, rate | fit s | decode s |",
    );
    console.log("|---|---|---|---|---|---|---|---|---|---|---|---|");
    const dense = cc.find((c) => c.lambda === 0.001) ?? others.find((c) => !c.sparse);
    // Shares removed and costs are against the dense fit of the same λ.
    const denseAt = (lambda) => cc.find((c) => c.lambda === lambda);
    const removed = (now, before) => (before ? ` (${f(100 * (1 - now / before), 0)} %)` : "");
    const cost = (p, d) =>
      d ? `${(p.psnr - d.psnr).toFixed(2)}, ${p.bpp > d.bpp ? "+" : ""}${f(100 * (p.bpp / d.bpp - 1), 0)} %` : "–";
    for (const p of [...cc.filter((c) => c.lambda === 0.001), ...others]) {
      const options = `${p.softRounding ? ", soft rounding" : ""}${p.roundingFraction ? `, rounding ${p.roundingFraction}` : ""}`;
      const fit = p.sparse
        ? `${p.sparse.kind} ρ=${p.sparse.rho}, ${p.iterations}+${p.sparse.iterations}${options}`
        : `dense, ${p.iterations}${options}`;
      console.log(
        `| ${fit} | ${p.lambda} | ${f(p.bpp, 3)} | ${f(p.psnr)} | ` +
          `${p.decoderParameters}${removed(p.decoderParameters, denseAt(p.lambda)?.decoderParameters)} | ` +
          `${f(p.macsPerPixel.total, 0)}${removed(p.macsPerPixel.total, denseAt(p.lambda)?.macsPerPixel.total)} | ` +
          `${p.keptGrids.length} | ${p.keptContext} | ${p.synthesisHidden ?? 16}, ${p.armHidden ?? 12} | ` +
          `${cost(p, denseAt(p.lambda))} | ${f(p.fitSeconds, 0)} | ${f(p.decodeSeconds, 2)} |`,
      );
    }
    if (svgDir && dense) {
      // Each fit twice: the share of parameters and the share of multiplications removed, at its PSNR.
      const plotted = others.filter((p) => p.lambda === dense.lambda && !p.softRounding && !p.roundingFraction);
      const rows = [dense, ...plotted].flatMap((p) => {
        const label = `${p.sparse ? `${p.sparse.kind === "bilevelL11" ? "ℓ1,1 " : ""}ρ = ${p.sparse.rho}` : `dense ${p.iterations}`}, ${f(p.bpp, 3)} bpp`;
        return [
          {
            psnr: p.psnr,
            measure: "parameters",
            label: "",
            removed: 100 * (1 - p.decoderParameters / dense.decoderParameters),
          },
          {
            psnr: p.psnr,
            measure: "MACs/pixel",
            label,
            removed: 100 * (1 - p.macsPerPixel.total / dense.macsPerPixel.total),
          },
        ];
      });
      const svg = plotSvg({
        width: 600,
        height: 380,
        marginRight: 100,
        x: {
          label: `${image}, λ = ${dense.lambda}: share of the decoder removed (%), ● MACs/pixel ▲ parameters`,
          grid: true,
          domain: [0, 100],
        },
        y: { label: "PSNR (dB)", grid: true },
        marks: [
          Plot.dot(rows, {
            x: "removed",
            y: "psnr",
            r: 4,
            symbol: "measure",
            fill: "measure",
          }),
          Plot.text(rows, { x: "removed", y: "psnr", text: "label", dx: 6, textAnchor: "start", fontSize: 9 }),
        ],
        symbol: { domain: ["MACs/pixel", "parameters"], range: ["circle", "triangle"] },
        color: { domain: ["MACs/pixel", "parameters"], range: ["#c0392b", "#1f4fb8"] },
      });
      writeFileSync(`${svgDir}/${image}-sparsity.svg`, svg);
    }
  }
}
