// The page's charts, drawn with Observable Plot: each function takes plain rows and a width and returns an element
// (Plot's SVG, or a <figure> when it adds a legend), with an aria-label that says what it shows.
import * as Plot from "@observablehq/plot";
import { PAGE_PROJECTIONS } from "./projection.js";

export const projectionName = (p) => PAGE_PROJECTIONS.get(p)?.label ?? p;

const axis = { labelAnchor: "center", labelArrow: "none" };

/** Mean training loss per epoch; `series` maps a name ("model shown", "fold 2") to [phase 1, phase 2] losses. */
export function lossChart(series, width) {
  const rows = [];
  for (const [name, [first, second]] of series) {
    first.forEach((loss, i) => rows.push({ name, epoch: i + 1, loss }));
    second.forEach((loss, i) => rows.push({ name, epoch: first.length + i + 1, loss }));
  }
  return Plot.plot({
    width,
    height: 240,
    marginLeft: 50,
    ariaLabel: "Training loss per epoch for the model shown and each cross-validation fold",
    x: { ...axis, label: "epoch (phase 1, then phase 2 with the mask held)" },
    y: { label: "mean loss", grid: true },
    color: { legend: true },
    marks: [Plot.lineY(rows, { x: "epoch", y: "loss", stroke: "name", strokeWidth: 1.5 })],
  });
}

/**
 * Test accuracy of each fold, and their mean. Each bar's label ("88.1% · 12 kept") takes about 100 px: the bars stand
 * side by side while their labels fit, else (a phone, many folds) lie one per row with the labels on their right.
 */
export function foldChart(runs, width) {
  const seeds = new Set(runs.map((r) => r.seed)).size;
  const name = (r) => (seeds > 1 ? `seed ${r.seed} fold ${r.fold}` : `fold ${r.fold}`);
  const rows = runs.map((r) => ({ fold: name(r), accuracy: 100 * r.accuracy, kept: r.kept }));
  const mean = rows.reduce((a, r) => a + r.accuracy, 0) / rows.length;
  const folds = rows.map((r) => r.fold); // in fold order ("fold 10" after "fold 9", not after "fold 1")
  const text = (r) => `${r.accuracy.toFixed(1)}% · ${r.kept} kept`;
  const ariaLabel = `Test accuracy per fold: ${rows.map((r) => `${r.fold} ${r.accuracy.toFixed(1)}%`).join(", ")}`;
  const accuracy = { ...axis, label: "test accuracy %", domain: [0, 100], grid: true };
  const fill = "#4269d0";
  const meanRule = { stroke: "#b30000", strokeDasharray: "4,3" };
  if ((width - 70) / rows.length >= (seeds > 1 ? 130 : 110))
    return Plot.plot({
      width,
      height: 200,
      marginLeft: 50,
      ariaLabel,
      x: { ...axis, label: null, domain: folds },
      y: accuracy,
      marks: [
        Plot.barY(rows, { x: "fold", y: "accuracy", fill }),
        Plot.text(rows, { x: "fold", y: "accuracy", text, dy: -8 }),
        Plot.ruleY([mean], meanRule),
      ],
    });
  return Plot.plot({
    width,
    height: 50 + 24 * rows.length,
    marginLeft: seeds > 1 ? 100 : 50,
    marginRight: 110,
    ariaLabel,
    x: accuracy,
    y: { ...axis, label: null, domain: folds },
    marks: [
      Plot.barX(rows, { y: "fold", x: "accuracy", fill }),
      Plot.text(rows, { y: "fold", x: 100, text, textAnchor: "start", dx: 6 }),
      Plot.ruleX([mean], meanRule),
    ],
  });
}

/**
 * The papers' Fig. 7–8: accuracy (± its standard deviation over the folds, as a band) and the share of features
 * kept against the radius, one line per projection. The accuracy axis starts at the majority class's share (what
 * always answering the largest class scores) or below the lowest band, in steps of 10%.
 */
export function sweepChart(points, baseline, majority, width) {
  const rows = points.map((p) => ({
    ...p,
    name: projectionName(p.projection),
    accuracy: 100 * p.accuracy,
    low: 100 * Math.max(0, p.accuracy - p.std),
    high: 100 * Math.min(1, p.accuracy + p.std),
    kept: 100 * p.kept,
  }));
  const lowest = rows.reduce((m, r) => Math.min(m, r.low), 100 * majority);
  const floor = Math.max(0, Math.floor(Math.min(lowest, baseline === null ? 100 : 100 * baseline) / 10) * 10);
  const common = {
    width,
    height: 230,
    marginLeft: 50,
    x: {
      ...axis,
      type: "log",
      label: "radius η as a fraction of the trained layer's own norm (log scale)",
      ticks: [...new Set(rows.map((r) => r.fraction))],
      tickFormat: "~g",
    },
    color: { legend: true, domain: [...PAGE_PROJECTIONS.values()].map((p) => p.label) },
  };
  const line = (y) => [
    Plot.line(rows, { x: "fraction", y, stroke: "name", strokeWidth: 2 }),
    Plot.dot(rows, {
      x: "fraction",
      y,
      fill: "name",
      symbol: "name",
      r: 3.5,
      tip: true,
      channels: { η: "radius", "accuracy %": "accuracy", "± std %": (r) => 100 * r.std, "kept %": "kept" },
      format: { x: (f) => `${100 * f}% of ‖W‖`, η: ".3~g", "accuracy %": ".1f", "± std %": ".1f", "kept %": ".1f" },
    }),
  ];
  const accuracy = Plot.plot({
    ...common,
    ariaLabel: "Cross-validated accuracy against the radius for each projection",
    y: { ...axis, label: "accuracy % (band: ± std over folds)", grid: true, domain: [floor, 100] },
    marks: [
      Plot.areaY(rows, { x: "fraction", y1: "low", y2: "high", fill: "name", fillOpacity: 0.15 }),
      Plot.ruleY([100 * majority], { stroke: "#999", strokeDasharray: "2,3" }),
      Plot.text([100 * majority], {
        y: (d) => d,
        frameAnchor: "right",
        dx: -4,
        dy: 8,
        text: () => "majority class",
        fill: "#555",
      }),
      ...(baseline === null
        ? []
        : [
            Plot.ruleY([100 * baseline], { stroke: "#555", strokeDasharray: "6,4" }),
            Plot.text([100 * baseline], {
              y: (d) => d,
              frameAnchor: "left",
              dx: 4,
              dy: -7,
              text: () => "no projection",
            }),
          ]),
      ...line("accuracy"),
    ],
  });
  const kept = Plot.plot({
    ...common,
    color: { ...common.color, legend: false },
    ariaLabel: "Share of the features kept against the radius for each projection",
    y: { ...axis, label: "features kept %", domain: [0, 100], grid: true },
    marks: line("kept"),
  });
  const both = document.createElement("div");
  both.append(accuracy, kept);
  return both;
}

/**
 * The latent space of the model shown, coloured by class: training samples faint, held-out ones larger,
 * misclassified ones crossed.
 */
export function latentChart(points, axes, classes, width) {
  const size = Math.min(width, 520);
  const train = points.filter((p) => !p.test);
  const test = points.filter((p) => p.test);
  const wrong = points.filter((p) => p.wrong);
  return Plot.plot({
    width: size,
    height: size,
    marginLeft: 50,
    marginBottom: 40,
    ariaLabel:
      `Latent space: ${train.length} training samples, ` +
      `${test.length} held-out samples of which ${wrong.length} misclassified`,
    x: { ...axis, label: axes[0], grid: true, inset: 8 },
    y: { ...axis, label: axes[1], grid: true, inset: 8 },
    color: { legend: true, domain: classes },
    symbol: { legend: true, domain: ["held out, misclassified"], range: ["times"] },
    marks: [
      Plot.dot(train, { x: "x", y: "y", fill: "label", r: 2.5, fillOpacity: 0.35 }),
      Plot.dot(test, { x: "x", y: "y", fill: "label", r: 4.5, stroke: "white", strokeWidth: 0.7 }),
      // The tip of the sample nearest the pointer, training or held out.
      Plot.tip(
        points,
        Plot.pointer({
          x: "x",
          y: "y",
          channels: {
            sample: "id",
            class: "label",
            predicted: "predicted",
            confidence: (p) => `${(100 * p.confidence).toFixed(1)}%`,
            set: (p) => (p.test ? "held out" : "training"),
          },
          format: { x: false, y: false, fill: false },
        }),
      ),
      Plot.dot(wrong, {
        x: "x",
        y: "y",
        symbol: () => "held out, misclassified",
        stroke: "black",
        r: 7,
        strokeWidth: 2,
      }),
    ],
  });
}

/**
 * One feature's values by class, as in the file: a row per class, its box (quartiles, whiskers) behind every
 * sample's dot, spread up and down by a fixed low-discrepancy offset (not random: the same picture each time).
 */
export function featureChart(name, values, classes, width) {
  const rows = values.map((v, i) => ({ ...v, spread: ((i * 0.618034) % 1) - 0.5 }));
  return Plot.plot({
    width: Math.min(width, 720),
    height: 50 + 70 * classes.length,
    marginLeft: 120,
    ariaLabel: `Values of ${name} by class: ${classes.length} classes, ${values.length} samples`,
    x: { ...axis, label: `${name} (values as in the file)`, grid: true },
    y: { axis: null, domain: [-0.6, 0.6] },
    fy: { ...axis, label: null, domain: classes, axis: "left", padding: 0.15 },
    color: { domain: classes },
    marks: [
      Plot.boxX(rows, { x: "value", fy: "label", fill: "#e4e4e4", stroke: "#555", r: 0 }),
      Plot.dot(rows, {
        x: "value",
        y: "spread",
        fy: "label",
        fill: "label",
        r: 2.5,
        fillOpacity: 0.7,
        tip: true,
        channels: { class: "label" },
        format: { y: false, fy: false },
      }),
    ],
  });
}
