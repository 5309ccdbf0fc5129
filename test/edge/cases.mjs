// The projections the edge test runs both in workerd (package entry dist/workerd.js) and in Node
// (dist/index.js). Both load the same .wasm, so their answers must be bit-identical; the small cases are
// also worked by hand.

/** Hand-worked answers. ℓ1 ball: τ = (3 + 2 − 2)/2 = 1.5. Bilevel ℓ1,∞ with η = 3: column maxima (3, 1, 4)
 * projected onto the ℓ1 ball of radius 3 give u = (1, 0, 2), and each column is clipped to [−u_j, u_j]. */
export const HAND_WORKED = {
  l1Ball: [1.5, 0, 0, 0.5],
  bilevelL1Inf: [1, 0, 0.5, -1, 0, 2],
  normL1InfAfter: 3,
};

// A deterministic matrix large enough to use the SIMD loops and their tails (rows × cols not a multiple of 4).
function lcgMatrix(rows, cols) {
  const out = new Float64Array(rows * cols);
  let s = 12345;
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = (s / 2 ** 32 - 0.5) * 10;
  }
  return out;
}

function errorOf(fn) {
  try {
    fn();
    return null;
  } catch (e) {
    return { name: e.name, message: e.message };
  }
}

/** Runs the cases with the given sparseproj namespace; the result is JSON-safe. */
export function runCases(sp) {
  const small = sp.bilevelL1Inf(new Float32Array([3, -1, 0.5, -2, 0.25, 4]), 2, 3, 3);
  const big = lcgMatrix(37, 29);
  // A Conv2d weight [8, 6, 3, 3]: by input channel [8, 6, 9] (short spans, swept as columns), by filter [1, 8, 54].
  const conv = lcgMatrix(8, 54);
  return {
    l1Ball: Array.from(sp.projectL1Ball([3, -1, 0.5, 2], 2)),
    bilevelL1Inf: Array.from(small, (v) => v + 0), // + 0 turns −0 into 0, as JSON would
    normL1InfAfter: sp.normL1Inf(small, 2, 3),
    simplexBig: Array.from(sp.projectSimplex(big, 7)),
    bilevelL1InfBig: Array.from(sp.bilevelL1Inf(big, 37, 29, 5)),
    bilevelL11BigRows: Array.from(sp.bilevelL11(new Float32Array(big), 37, 29, 5, { axis: "rows" })),
    badRadius: errorOf(() => sp.projectL1Ball([1, 2], -1)),
    badShape: errorOf(() => sp.bilevelL1Inf([1, 2, 3], 2, 2, 1)),
    weightedL1BallBig: Array.from(
      sp.projectWeightedL1Ball(
        big,
        big.map((v) => 0.5 + Math.abs(v)),
        7,
      ),
    ),
    trilevelL1InfInfBig: Array.from(sp.trilevelL1InfInf(big, 37, 29, 1, 5), (v) => v + 0),
    trilevelL111BigF32: Array.from(sp.trilevelL111(new Float32Array(big), 1, 37, 29, 50)),
    normL1InfInf: sp.normL1InfInf(big, 37, 29, 1),
    normL111: sp.normL111(big, 1, 37, 29),
    badWeight: errorOf(() => sp.projectWeightedL1Ball([1, 2], [1, 0], 1)),
    badTensorShape: errorOf(() => sp.trilevelL111([1, 2, 3], 1, 2, 2, 1)),
    bilevelL1InfGroupedConv: Array.from(sp.bilevelL1InfGrouped(new Float32Array(conv), [8, 6, 9], 5), (v) => v + 0),
    bilevelL11GroupedConv: Array.from(sp.bilevelL11Grouped(conv, [8, 6, 9], 20)),
    bilevelL12GroupedFilters: Array.from(sp.bilevelGrouped("2", conv, [1, 8, 54], 10)),
    groupedNormConv: sp.groupedNorm("inf", conv, [8, 6, 9]),
    badGroupedShape: errorOf(() => sp.bilevelL1InfGrouped([1, 2, 3], [1, 2, 2], 1)),
  };
}
