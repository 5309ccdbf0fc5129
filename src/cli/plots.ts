// The SVG figures of `sparseproj sae --out`, drawn with Observable Plot on a server-side DOM (linkedom). Plot puts
// a title or a legend in an HTML <figure> around its SVG, which a standalone .svg file cannot hold, so each figure
// is composed here instead: one <svg> with the title, a legend drawn as SVG, and Plot's own <svg> panels inside.
import * as Plot from "@observablehq/plot";
import { encode as encodePng } from "fast-png";
import { parseHTML } from "linkedom";
import { pca2 } from "../metrics/pca.ts";

// Plot's default categorical colours (observable10), fixed here so the legend swatches match the marks.
const PALETTE = [
  "#4269d0",
  "#efb118",
  "#ff725c",
  "#6cc5b0",
  "#3ca951",
  "#ff8ab7",
  "#a463f2",
  "#97bbf5",
  "#9c6b4e",
  "#9498a0",
];
const FONT = 'font-family="system-ui, sans-serif"';

type PlotSvg = ReturnType<typeof Plot.plot>;

function plot(options: Plot.PlotOptions): PlotSvg {
  const { document } = parseHTML("<!DOCTYPE html><html><body></body></html>");
  return Plot.plot({ ...options, document: document as unknown as Document });
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

interface Swatch {
  label: string;
  color: string;
}

interface Figure {
  title: string;
  subtitle?: string;
  /** Colour keys, or a colour ramp (an SVG drawn by Plot). */
  legend?: Swatch[] | PlotSvg;
  panels: Array<{ caption?: string; svg: PlotSvg }>;
}

/** One standalone SVG document: title, subtitle, legend, then the panels stacked. */
function compose({ title, subtitle, legend, panels }: Figure): string {
  const width = panels.reduce((w, p) => Math.max(w, Number(p.svg.getAttribute("width"))), 0);
  const parts: string[] = [`<text x="16" y="26" font-size="17" font-weight="bold">${escapeXml(title)}</text>`];
  let y = 36;
  if (subtitle) {
    parts.push(`<text x="16" y="${y + 12}" font-size="12" fill="#555">${escapeXml(subtitle)}</text>`);
    y += 20;
  }
  if (Array.isArray(legend)) {
    let x = 16;
    for (const { label, color } of legend) {
      parts.push(
        `<rect x="${x}" y="${y + 4}" width="12" height="12" fill="${color}"/>` +
          `<text x="${x + 17}" y="${y + 14}" font-size="12">${escapeXml(label)}</text>`,
      );
      x += 35 + 7 * label.length;
    }
    y += 24;
  } else if (legend) {
    legend.setAttribute("x", "16");
    legend.setAttribute("y", String(y));
    parts.push(legend.outerHTML);
    y += Number(legend.getAttribute("height"));
  }
  for (const { caption, svg } of panels) {
    if (caption) {
      parts.push(`<text x="16" y="${y + 16}" font-size="13" font-weight="bold">${escapeXml(caption)}</text>`);
      y += 22;
    }
    svg.setAttribute("x", "0");
    svg.setAttribute("y", String(y));
    parts.push(svg.outerHTML);
    y += Number(svg.getAttribute("height"));
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y + 8}" ` +
    `viewBox="0 0 ${width} ${y + 8}" ${FONT}>\n<rect width="100%" height="100%" fill="white"/>\n` +
    `${parts.join("\n")}\n</svg>\n`
  );
}

interface MeanStd {
  mean: number;
  std: number;
}

export interface RadiusResult {
  radius: number;
  accuracy: MeanStd;
  featureSparsity: MeanStd;
}

/** Cross-validated accuracy (mean ± std) and feature sparsity against the radius: the papers' Fig. 7–8. */
export function radiusFigure(
  projection: string,
  results: RadiusResult[],
  baseline: MeanStd | null,
  runs: string,
): string {
  const rows = results.map((r) => ({
    radius: r.radius,
    accuracy: 100 * r.accuracy.mean,
    low: 100 * (r.accuracy.mean - r.accuracy.std),
    high: 100 * (r.accuracy.mean + r.accuracy.std),
    sparsity: 100 * r.featureSparsity.mean,
  }));
  const [accuracyColor, sparsityColor, baselineColor] = PALETTE;
  const logScale = results.every((r) => r.radius > 0);
  const marks: Plot.Markish[] = [
    Plot.ruleX(rows, { x: "radius", y1: "low", y2: "high", stroke: accuracyColor, strokeWidth: 2 }),
    Plot.line(rows, { x: "radius", y: "accuracy", stroke: accuracyColor, strokeWidth: 2 }),
    Plot.dot(rows, { x: "radius", y: "accuracy", fill: accuracyColor, r: 4 }),
    Plot.line(rows, { x: "radius", y: "sparsity", stroke: sparsityColor, strokeWidth: 2 }),
    Plot.dot(rows, { x: "radius", y: "sparsity", fill: sparsityColor, r: 4, symbol: "square" }),
  ];
  const legend: Swatch[] = [
    { label: "accuracy (mean ± std)", color: accuracyColor },
    { label: "features removed (mean)", color: sparsityColor },
  ];
  if (baseline) {
    marks.unshift(
      Plot.ruleY([100 * baseline.mean], { stroke: baselineColor, strokeDasharray: "6,4", strokeWidth: 1.5 }),
    );
    legend.push({ label: `accuracy without projection (${(100 * baseline.mean).toFixed(1)}%)`, color: baselineColor });
  }
  const svg = plot({
    width: 680,
    height: 400,
    marginLeft: 50,
    marginBottom: 45,
    x: {
      type: logScale ? "log" : "linear",
      inset: 20,
      label: `radius η (${logScale ? "log scale" : "linear"})`,
      labelAnchor: "center",
      labelArrow: "none",
      ticks: rows.map((r) => r.radius),
      tickFormat: (r: number) => String(r),
    },
    y: { domain: [0, 100], label: "% (accuracy, features removed)", grid: true },
    marks,
  });
  return compose({
    title: `Accuracy and sparsity against the radius (${projection})`,
    subtitle: `Cross-validated: ${runs}; ± is the sample standard deviation (n − 1).`,
    legend,
    panels: [{ svg }],
  });
}

/** Mean training loss per epoch, phase 1 then phase 2 (after the projection, with its mask held). */
export function lossFigure(losses: [number[], number[]], subtitle: string): string {
  const [first, second] = losses;
  const rows = [
    ...first.map((loss, i) => ({ epoch: i + 1, loss, phase: "phase 1" })),
    ...second.map((loss, i) => ({ epoch: first.length + i + 1, loss, phase: "phase 2 (masked)" })),
  ];
  const domain = ["phase 1", "phase 2 (masked)"];
  const svg = plot({
    width: 680,
    height: 380,
    marginLeft: 55,
    marginBottom: 45,
    x: { label: "epoch", labelAnchor: "center", labelArrow: "none" },
    y: { label: "mean training loss (cross-entropy + λ · SmoothL1)", grid: true },
    color: { domain, range: PALETTE },
    marks: [
      ...(second.length
        ? [
            Plot.ruleX([first.length + 0.5], { stroke: "#999", strokeDasharray: "4,4" }),
            Plot.text([first.length + 0.5], {
              x: (d: number) => d,
              frameAnchor: "top",
              text: () => "projection",
              dx: 4,
              textAnchor: "start",
              fill: "#666",
            }),
          ]
        : []),
      Plot.line(rows, { x: "epoch", y: "loss", stroke: "phase", strokeWidth: 2 }),
      Plot.dot(rows, { x: "epoch", y: "loss", fill: "phase", r: 2.5 }),
    ],
  });
  return compose({
    title: "Training loss",
    subtitle,
    legend: domain.map((label, i) => ({ label, color: PALETTE[i] })),
    panels: [{ svg }],
  });
}

/**
 * The samples in the latent space, coloured by class. The latent has one dimension per class (it is the class
 * logits): two classes are plotted as they are, more are projected on their first two principal components.
 */
export function latentFigure(latent: Float64Array, classes: string[], labels: string[], subtitle: string): string {
  const k = classes.length;
  const [points, axes] =
    k === 2
      ? [latent, [`logit of class ${classes[0]}`, `logit of class ${classes[1]}`]]
      : (() => {
          const { coordinates, explained } = pca2(latent, k);
          return [
            coordinates,
            explained.map((e, i) => `principal component ${i + 1} (${(100 * e).toFixed(0)}% of variance)`),
          ] as const;
        })();
  const rows = labels.map((label, i) => ({ x: points[i * 2], y: points[i * 2 + 1], label }));
  const svg = plot({
    width: 600,
    height: 520,
    marginLeft: 55,
    marginBottom: 45,
    x: { label: axes[0], labelAnchor: "center", labelArrow: "none", grid: true, inset: 10 },
    y: { label: axes[1], labelAnchor: "center", labelArrow: "none", grid: true, inset: 10 },
    color: { domain: classes, range: PALETTE },
    marks: [
      Plot.dot(rows, { x: "x", y: "y", fill: "label", r: 3.5, fillOpacity: 0.75, stroke: "white", strokeWidth: 0.5 }),
    ],
  });
  return compose({
    title: "Latent space",
    subtitle,
    legend: classes.map((label, i) => ({ label: `class ${label}`, color: PALETTE[i % PALETTE.length] })),
    panels: [{ svg }],
  });
}

// The heat-map is a raster (one pixel per weight) drawn by Plot's image mark, not 2 × hidden × features SVG
// rectangles: 100 × 162 weights would make a 3 MB file that viewers render slowly.
/** An RGB PNG (rows × cols pixels, each colour "rgb(r, g, b)") as a data: URL. */
function pngDataUrl(rows: number, cols: number, color: (row: number, col: number) => string): string {
  const rgb = new Uint8Array(rows * cols * 3);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) rgb.set(color(r, c).match(/\d+/g)!.map(Number), 3 * (r * cols + c));
  }
  const png = encodePng({ width: cols, height: rows, data: rgb, channels: 3, depth: 8 });
  return `data:image/png;base64,${Buffer.from(png).toString("base64")}`;
}

/** A plot whose frame is filled by a raster of rows × cols pixels, stretched. */
function rasterPlot(
  rows: number,
  cols: number,
  color: (row: number, col: number) => string,
  options: {
    width: number;
    height: number;
    x: Plot.ScaleOptions;
    y: Plot.ScaleOptions;
    margin: [number, number, number, number];
  },
): PlotSvg {
  const [top, right, bottom, left] = options.margin;
  return plot({
    width: options.width,
    height: options.height,
    marginTop: top,
    marginRight: right,
    marginBottom: bottom,
    marginLeft: left,
    x: { domain: [0, cols], ...options.x },
    y: { domain: [0, rows], ...options.y },
    marks: [
      Plot.image([0], {
        frameAnchor: "middle",
        width: options.width - left - right,
        height: options.height - top - bottom,
        src: pngDataUrl(rows, cols, color),
        preserveAspectRatio: "none",
        imageRendering: "pixelated",
      }),
      Plot.frame({ stroke: "#999" }),
    ],
  });
}

/**
 * |W| of the first layer (hidden × features, row-major) after phase 1, before the projection, and in the final
 * model, with the features (columns) in the same order in both: by column norm in the final model, then before.
 */
export function weightsFigure(before: Float32Array, after: Float32Array, hidden: number, subtitle: string): string {
  const d = before.length / hidden;
  const norm = (w: Float32Array, j: number) => {
    let s = 0;
    for (let i = 0; i < hidden; i++) s += w[i * d + j] ** 2;
    return s;
  };
  const order = Array.from({ length: d }, (_, j) => ({ j, a: norm(after, j), b: norm(before, j) })).sort(
    (p, q) => q.a - p.a || q.b - p.b || p.j - q.j,
  );
  const kept = order.filter((o) => o.a > 0).length;
  let top = 0;
  for (let i = 0; i < before.length; i++) top = Math.max(top, Math.abs(before[i]), Math.abs(after[i]));
  const scale = Plot.scale({ color: { type: "linear", domain: [0, top || 1], scheme: "blues" } });
  const panel = (w: Float32Array) =>
    rasterPlot(hidden, d, (i, c) => scale.apply(Math.abs(w[i * d + order[c].j])) as string, {
      width: 720,
      height: 310,
      margin: [20, 20, 42, 50],
      x: { label: "input features, ranked by first-layer column norm →", labelAnchor: "center", labelArrow: "none" },
      y: { label: "hidden unit", reverse: true },
    });
  const ramp = rasterPlot(1, 256, (_, c) => scale.apply(((c + 0.5) / 256) * (top || 1)) as string, {
    width: 320,
    height: 56,
    margin: [6, 10, 36, 10],
    x: { label: "|W|", labelAnchor: "center", labelArrow: "none", labelOffset: 32, domain: [0, top || 1], ticks: 5 },
    y: { axis: null },
  });
  return compose({
    title: "First-layer weights |W| (hidden units × input features)",
    subtitle,
    legend: ramp,
    panels: [
      { caption: "after phase 1, before the projection", svg: panel(before) },
      { caption: `final model: ${kept} of ${d} features kept`, svg: panel(after) },
    ],
  });
}

/** One method's values at each panel size k (mean, and optionally ± std), for panelSizeFigure. */
export interface PanelSizeSeries {
  label: string;
  points: Array<{ k: number; mean: number; std?: number }>;
}

/**
 * A value against the panel size k, one line per method (compare's accuracy and stability plots): `yLabel` names
 * the value, `domain` its range.
 */
export function panelSizeFigure(
  title: string,
  subtitle: string,
  yLabel: string,
  series: PanelSizeSeries[],
  domain: [number, number],
): string {
  const marks: Plot.Markish[] = [];
  const legend: Swatch[] = [];
  series.forEach(({ label, points }, s) => {
    const color = PALETTE[s % PALETTE.length];
    const rows = points.filter((p) => Number.isFinite(p.mean));
    const spread = rows.filter((p) => p.std !== undefined && Number.isFinite(p.std));
    marks.push(
      Plot.ruleX(spread, { x: "k", y1: (p) => p.mean - p.std!, y2: (p) => p.mean + p.std!, stroke: color }),
      Plot.line(rows, { x: "k", y: "mean", stroke: color, strokeWidth: 2 }),
      Plot.dot(rows, { x: "k", y: "mean", fill: color, r: 3.5 }),
    );
    legend.push({ label, color });
  });
  const ks = [...new Set(series.flatMap((s) => s.points.map((p) => p.k)))].sort((a, b) => a - b);
  const svg = plot({
    width: 680,
    height: 400,
    marginLeft: 50,
    marginBottom: 45,
    x: {
      type: "log",
      inset: 20,
      label: "features kept k (log scale)",
      labelAnchor: "center",
      labelArrow: "none",
      ticks: ks,
      tickFormat: (k: number) => String(k),
    },
    y: { domain, label: yLabel, grid: true },
    marks,
  });
  return compose({ title, subtitle, legend, panels: [{ svg }] });
}
