// Deno: `deno run --allow-read examples/deno.ts` after `npm ci && npm run build`. Deno reads package.json,
// so "sparseproj" resolves to this package (from elsewhere: "npm:sparseproj").
import { bilevelL1Inf, normL1Inf, projectL1Ball } from "sparseproj";

console.log("projectL1Ball:", JSON.stringify(Array.from(projectL1Ball([3, -1, 0.5, 2], 2))));

const y = new Float32Array([3, -1, 0.5, -2, 0.25, 4]);
const x: Float32Array = bilevelL1Inf(y, 2, 3, 3);
console.log("bilevelL1Inf:", JSON.stringify(Array.from(x, (v) => v + 0)), "norm", normL1Inf(x, 2, 3));
