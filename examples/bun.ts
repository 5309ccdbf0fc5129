// Bun: `bun examples/bun.ts` after `npm run build`.
import { bilevelL1Inf, bilevelL1InfGrouped, normL1Inf, projectL1Ball, projectWeightedL1Ball } from "sparseproj";

console.log("projectL1Ball:", JSON.stringify(Array.from(projectL1Ball([3, -1, 0.5, 2], 2))));

const y = new Float32Array([3, -1, 0.5, -2, 0.25, 4]);
const x: Float32Array = bilevelL1Inf(y, 2, 3, 3);
console.log("bilevelL1Inf:", JSON.stringify(Array.from(x, (v) => v + 0)), "norm", normL1Inf(x, 2, 3));

// A Conv2d weight [out 2, in 2, 2 taps] grouped by input channel ([O, I, kh·kw]): radius 2 removes input channel 1.
const conv = bilevelL1InfGrouped(new Float32Array([3, -1, 0.5, 0.25, -2, 1, 0.1, -0.2]), [2, 2, 2], 2);
console.log("bilevelL1InfGrouped:", JSON.stringify(Array.from(conv, (v) => v + 0)));

// The weighted ℓ1 ball {Σ wᵢ|xᵢ| ≤ 2}: heavier weights shrink faster.
console.log(
  "projectWeightedL1Ball:",
  JSON.stringify(Array.from(projectWeightedL1Ball([3, -1, 0.5, 2], [1, 2, 1, 0.5], 2))),
);
