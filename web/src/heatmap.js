// The first-layer |W| heat-map: one canvas pixel per weight (hidden units × features, features in a given order),
// stretched by CSS. A canvas rather than a Plot raster because it is redrawn on every move of the radius slider.
import * as Plot from "@observablehq/plot";

const LEVELS = 256;
// Plot's "blues" scheme sampled once; |W| is mapped through a square root so small weights stay visible.
const BLUES = Plot.scale({ color: { type: "linear", domain: [0, 1], scheme: "blues" } });
const RAMP = Array.from({ length: LEVELS }, (_, i) =>
  BLUES.apply(i / (LEVELS - 1))
    .match(/\d+/g)
    .map(Number),
);

/** Draws |w| (hidden × d, row-major) with columns in `order`; `top` is the |W| of the darkest colour. */
export function drawHeatmap(canvas, w, hidden, d, order, top) {
  canvas.width = d;
  canvas.height = hidden;
  const context = canvas.getContext("2d");
  const image = context.createImageData(d, hidden);
  for (let i = 0; i < hidden; i++) {
    for (let c = 0; c < d; c++) {
      const level = Math.min(LEVELS - 1, Math.round((LEVELS - 1) * Math.sqrt(Math.abs(w[i * d + order[c]]) / top)));
      image.data.set(RAMP[level], 4 * (i * d + c));
      image.data[4 * (i * d + c) + 3] = 255;
    }
  }
  context.putImageData(image, 0, 0);
}

/** The colour key of the heat-maps, drawn by Plot. */
export function heatmapLegend(top) {
  return Plot.legend({
    color: { type: "sqrt", domain: [0, top], scheme: "blues", label: "|W| (square-root scale)" },
    width: 260,
    ticks: 4,
    tickFormat: ".2~f",
  });
}
