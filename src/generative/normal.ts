// Standard normal variates that are the same bits in every JavaScript engine. Box–Muller's trigonometric form
// needs cos and sin, and Math.log/Math.cos are implementation-defined (V8's fdlibm port and JavaScriptCore's
// libm disagree in the last bit on some inputs), so this is Marsaglia's polar form of Box–Muller: a uniform point
// in the unit disc stands in for the angle, leaving one log and one sqrt per pair. Math.sqrt is correctly
// rounded everywhere, and the log is the portable reproduction of glibc's that the numpy port already carries.
import { glibcLog } from "../data/mt19937.ts";
import type { Generator } from "../random.ts";

/** Fills `out` with independent N(0, 1) draws from `generator` (pairs; an odd length drops the last one's twin). */
export function fillStandardNormal(generator: Generator, out: Float64Array): Float64Array {
  for (let i = 0; i < out.length; i += 2) {
    let u: number, v: number, s: number;
    do {
      u = 2 * generator.random() - 1;
      v = 2 * generator.random() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * glibcLog(s)) / s);
    out[i] = u * f;
    if (i + 1 < out.length) out[i + 1] = v * f;
  }
  return out;
}
