// exp and log₂ written with IEEE-754 double operations only (+, −, ×, ÷, comparisons, Math.round/floor, which are
// exact), never the host's Math.exp/Math.log, whose last bits differ between engines. The decoder's entropy model
// runs on these, so an encoder in one runtime and a decoder in another compute the same probabilities bit for bit
// and the range coder stays in step (Cool-chic gets the same guarantee from fixed-point arithmetic in its ARM).

const LN2_HI = 0.6931471803691238; // ln 2 with its low 32 bits zero: k·LN2_HI is exact for |k| < 2²⁰
const LN2_LO = 1.9082149292705877e-10;
const LOG2E = 1.4426950408889634;

/** 2^k for k in −1022..1023, built by exact doublings and halvings. */
const POW2 = new Float64Array(2046);
{
  let v = 1;
  for (let k = 0; k <= 1023; k++, v *= 2) POW2[k + 1022] = v;
  v = 1;
  for (let k = 0; k >= -1022; k--, v /= 2) POW2[k + 1022] = v;
}

/** e^x to about 1 ulp, the same bits in every engine; 0 below −700 and +∞ above 700. */
export function detExp(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < -700) return 0;
  if (x > 700) return Number.POSITIVE_INFINITY;
  const k = Math.round(x * LOG2E);
  const r = x - k * LN2_HI - k * LN2_LO; // |r| ≤ ½ ln 2
  // Taylor series of e^r to degree 13 (|r|¹⁴/14! < 2⁻⁵⁸ on |r| ≤ 0.35), in Horner form.
  let p = 1 / 6227020800;
  p = p * r + 1 / 479001600;
  p = p * r + 1 / 39916800;
  p = p * r + 1 / 3628800;
  p = p * r + 1 / 362880;
  p = p * r + 1 / 40320;
  p = p * r + 1 / 5040;
  p = p * r + 1 / 720;
  p = p * r + 1 / 120;
  p = p * r + 1 / 24;
  p = p * r + 1 / 6;
  p = p * r + 0.5;
  p = p * r + 1;
  p = p * r + 1;
  return p * POW2[k + 1022];
}

const view = new DataView(new ArrayBuffer(8));

/** log₂ x for finite x > 0 (−∞ at 0, NaN below), the same bits in every engine. */
export function detLog2(x: number): number {
  if (!(x > 0)) return x === 0 ? Number.NEGATIVE_INFINITY : Number.NaN;
  if (x === Number.POSITIVE_INFINITY) return x;
  let e = 0;
  if (x < 2.2250738585072014e-308) {
    x *= 2 ** 64; // subnormal: normalise first
    e = -64;
  }
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  e += ((hi >>> 20) & 0x7ff) - 1023;
  view.setUint32(0, (hi & 0x800fffff) | 0x3ff00000); // mantissa m in [1, 2)
  let m = view.getFloat64(0);
  if (m > Math.SQRT2) {
    m /= 2;
    e += 1;
  }
  // ln m = 2·atanh(s), s = (m − 1)/(m + 1), |s| ≤ 0.172: the odd series to s²¹ is exact to 2⁻⁵⁸.
  const s = (m - 1) / (m + 1),
    s2 = s * s;
  let p = 1 / 21;
  for (let d = 19; d >= 1; d -= 2) p = p * s2 + 1 / d;
  return e + (2 * s * p) / Math.LN2;
}
