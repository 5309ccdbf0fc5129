// Property tests (fast-check): each vector projection is certified optimal by the variational inequality of a
// projection onto a convex set C, ⟨y − x, z − x⟩ ≤ 0 for all z ∈ C, checked at C's extreme points — which
// for these balls reduces to η·‖y − x‖_* ≤ ⟨y − x, x⟩ with ‖·‖_* the dual norm.
import fc from "fast-check";
import { suite } from "uvu";
import { projectL1Ball, projectL2Ball, projectLInfBall, projectSimplex } from "../src/index.ts";

const test = suite("optimality certificates (fast-check)");

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, v, i) => s + v * b[i], 0);
const norm1 = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + Math.abs(v), 0);
const norm2 = (a: ArrayLike<number>) => Math.hypot(...Array.from(a));
const normInf = (a: ArrayLike<number>) => Array.from(a).reduce((m, v) => Math.max(m, Math.abs(v)), 0);

const CASES = [
  { name: "ℓ1 ball (dual ℓ∞)", project: projectL1Ball, dual: normInf },
  { name: "ℓ2 ball (dual ℓ2)", project: projectL2Ball, dual: norm2 },
  { name: "ℓ∞ ball (dual ℓ1)", project: projectLInfBall, dual: norm1 },
  // The simplex's extreme points are η·e_i: the certificate is η·max_i r_i ≤ ⟨r, x⟩.
  { name: "simplex", project: projectSimplex, dual: (a: ArrayLike<number>) => Math.max(...Array.from(a)) },
];

const vectors = fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 1, maxLength: 200 });
const radius = fc.double({ min: 0, max: 1e3, noNaN: true });

for (const { name, project, dual } of CASES) {
  for (const Float of [Float32Array, Float64Array]) {
    test(`${name} ${Float.name}: η·‖y − x‖_* ≤ ⟨y − x, x⟩ and x feasible`, () => {
      fc.assert(
        fc.property(vectors, radius, (values, eta) => {
          const y = Float.from(values);
          const x = project(y, eta);
          const r = Array.from(y, (v, i) => v - x[i]);
          // Rounding: each of the n products carries ~1 ulp of |y|·(|x| + η).
          const slack =
            (Float === Float32Array ? 1e-5 : 1e-12) * y.length * (normInf(y) + eta) * (normInf(y) + eta + 1);
          return eta * dual(r) <= dot(r, x) + slack;
        }),
        { numRuns: 150, seed: 42 },
      );
    });
  }
}

test.run();
