// Node: `node examples/node.mjs` after `npm run build`. The kernels load synchronously on first use.
import { bilevelL1Inf, normL1Inf, projectL1Ball } from "sparseproj";

// A sparse point of the ℓ1 ball of radius 2: the small entries go to zero.
console.log("projectL1Ball:", JSON.stringify(Array.from(projectL1Ball([3, -1, 0.5, 2], 2))));

// A 2 × 3 matrix whose columns are the groups; radius 3 zeroes the weakest column and shrinks the others.
const y = new Float32Array([3, -1, 0.5, -2, 0.25, 4]);
const x = bilevelL1Inf(y, 2, 3, 3);
console.log("bilevelL1Inf:", JSON.stringify(Array.from(x, (v) => v + 0)), "norm", normL1Inf(x, 2, 3));
