// bench/scaling.svg: log-log time against number of elements, hand-written SVG (no plotting dependency).

const WIDTH = 820;
const HEIGHT = 520;
const MARGIN = { left: 80, right: 20, top: 40, bottom: 60 };
const SUPERSCRIPT = {
  "-": "⁻",
  0: "⁰",
  1: "¹",
  2: "²",
  3: "³",
  4: "⁴",
  5: "⁵",
  6: "⁶",
  7: "⁷",
  8: "⁸",
  9: "⁹",
};

// A decade of milliseconds as a tick label: 10 ns, 1 µs, 100 ms, 1 s.
function decade(k) {
  const [unit, shift] = k < -3 ? ["ns", 6] : k < 0 ? ["µs", 3] : k < 3 ? ["ms", 0] : ["s", -3];
  return `${10 ** (k + shift)} ${unit}`;
}

const escapeXml = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");

/** The series of the plot: [label, colour, dashed, marker, points [elements, ms]]. */
function series(results) {
  const sweep = (direction, key) =>
    results.sweep
      .filter((p) => p.direction === direction && p.ms[key] !== undefined)
      .map((p) => [p.elements, p.ms[key]]);
  const ball = (key) =>
    results.cases
      .filter((c) => c.kernel === "projectL1Ball" && c.type === "f32" && c.ms[key] !== undefined)
      .map((c) => [c.elements, c.ms[key]]);
  // The floor for every size measured: one copy of the f32 bytes, and the 1.5 copies a bilevel pass pair moves.
  const floor = [
    ...results.sweep.filter((p) => p.direction === "rows"),
    ...results.cases.filter((c) => c.kernel === "projectL1Ball" && c.type === "f32"),
  ]
    .map((p) => [p.elements, p.ms.copy1])
    .sort((a, b) => a[0] - b[0])
    .filter(([n], i, points) => i === 0 || points[i - 1][0] !== n);
  return [
    ["bilevel ℓ1,∞ wasm, rows sweep (1000 cols)", "#1f77b4", false, "circle", sweep("rows", "zeroCopy")],
    ["bilevel ℓ1,∞ wasm, cols sweep (1000 rows)", "#ff7f0e", false, "square", sweep("cols", "zeroCopy")],
    ["bilevel ℓ1,∞ native C, rows sweep", "#1f77b4", true, "none", sweep("rows", "native")],
    ["bilevel ℓ1,∞ native C, cols sweep", "#ff7f0e", true, "none", sweep("cols", "native")],
    ["ℓ1 ball wasm (a = 1)", "#2ca02c", false, "diamond", ball("zeroCopy")],
    ["ℓ1 ball native C (Condat)", "#2ca02c", true, "none", ball("native")],
    ["floor: 1 copy of the bytes (memory.copy)", "#555555", false, "none", floor],
    ["1.5 copies (bilevel floor: 2 reads + 1 write)", "#999999", true, "none", floor.map(([n, ms]) => [n, 1.5 * ms])],
  ].filter((s) => s[4].length > 0);
}

function marker(shape, x, y, colour) {
  if (shape === "circle") return `<circle cx="${x}" cy="${y}" r="3.5" fill="${colour}"/>`;
  if (shape === "square") return `<rect x="${x - 3.5}" y="${y - 3.5}" width="7" height="7" fill="${colour}"/>`;
  if (shape === "diamond")
    return `<path d="M${x} ${y - 4.5}L${x + 4.5} ${y}L${x} ${y + 4.5}L${x - 4.5} ${y}Z" fill="${colour}"/>`;
  return "";
}

export function scalingSvg(results) {
  const all = series(results);
  const xs = all.flatMap((s) => s[4].map((p) => p[0]));
  const ys = all.flatMap((s) => s[4].map((p) => p[1]));
  const [x0, x1] = [Math.floor(Math.log10(Math.min(...xs))), Math.ceil(Math.log10(Math.max(...xs)))];
  const [y0, y1] = [Math.floor(Math.log10(Math.min(...ys))), Math.ceil(Math.log10(Math.max(...ys)))];
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const px = (n) => MARGIN.left + ((Math.log10(n) - x0) / (x1 - x0)) * plotW;
  const py = (ms) => MARGIN.top + (1 - (Math.log10(ms) - y0) / (y1 - y0)) * plotH;
  const f = (v) => Math.round(v * 10) / 10;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" ` +
      `viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="22" text-anchor="middle" font-size="15">` +
      `${escapeXml(`Time against size, log-log (f32, zero-copy, η = 1) — ${results.env.date}`)}</text>`,
  ];
  for (let k = x0; k <= x1; k++) {
    const x = f(px(10 ** k));
    const label = `10${String(k)
      .split("")
      .map((c) => SUPERSCRIPT[c])
      .join("")}`;
    out.push(`<line x1="${x}" y1="${MARGIN.top}" x2="${x}" y2="${MARGIN.top + plotH}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${x}" y="${MARGIN.top + plotH + 18}" text-anchor="middle">${label}</text>`);
  }
  for (let k = y0; k <= y1; k++) {
    const y = f(py(10 ** k));
    out.push(`<line x1="${MARGIN.left}" y1="${y}" x2="${MARGIN.left + plotW}" y2="${y}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${MARGIN.left - 8}" y="${y}" text-anchor="end" dominant-baseline="middle">${decade(k)}</text>`);
  }
  out.push(`<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#333"/>`);
  out.push(
    `<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 18}" ` +
      'text-anchor="middle">number of elements (rows × cols, or n)</text>',
  );
  out.push(
    `<text transform="translate(20 ${MARGIN.top + plotH / 2}) ` +
      'rotate(-90)" text-anchor="middle">median time per projection</text>',
  );
  for (const [, colour, dashed, shape, points] of all) {
    const path = points.map(([n, ms], i) => `${i ? "L" : "M"}${f(px(n))} ${f(py(ms))}`).join("");
    out.push(
      `<path d="${path}" fill="none" stroke="${colour}" stroke-width="2"${dashed ? ' stroke-dasharray="6 4"' : ""}/>`,
    );
    for (const [n, ms] of points) out.push(marker(shape, f(px(n)), f(py(ms)), colour));
  }
  // Legend, bottom right inside the plot, where the curves (time growing with size) leave room.
  const legendX = MARGIN.left + plotW - 336;
  const legendY = MARGIN.top + plotH - all.length * 18 - 16;
  out.push(
    `<rect x="${legendX - 6}" y="${legendY}" width="330" ` +
      `height="${all.length * 18 + 8}" fill="white" fill-opacity="0.9" stroke="#ccc"/>`,
  );
  all.forEach(([label, colour, dashed, shape], i) => {
    const y = legendY + 14 + i * 18;
    out.push(
      `<line x1="${legendX}" y1="${y}" x2="${legendX + 28}" y2="${y}" ` +
        `stroke="${colour}" stroke-width="2"${dashed ? ' stroke-dasharray="6 4"' : ""}/>`,
    );
    out.push(marker(shape, legendX + 14, y, colour));
    out.push(`<text x="${legendX + 36}" y="${y}" dominant-baseline="middle">${escapeXml(label)}</text>`);
  });
  out.push("</svg>");
  return `${out.filter(Boolean).join("\n")}\n`;
}
