// Cloudflare Worker: `wrangler dev` (or deploy) with this file as `main`. The "workerd" export condition
// picks dist/workerd.js, which imports the shipped .wasm as a compiled module: workerd won't compile bytes.
import { bilevelL1Inf, init, normL1Inf } from "sparseproj";

// GET projects this; POST a JSON body of the same shape to project your own row-major matrix.
const SAMPLE = { y: [3, -1, 0.5, -2, 0.25, 4], rows: 2, cols: 3, radius: 3 };

export default {
  async fetch(request) {
    await init();
    try {
      const { y, rows, cols, radius } = request.method === "POST" ? await request.json() : SAMPLE;
      const x = bilevelL1Inf(new Float64Array(y), rows, cols, radius);
      return Response.json({ bilevelL1Inf: Array.from(x), norm: normL1Inf(x, rows, cols) });
    } catch (e) {
      // Unparsable bodies, bad shapes and radii (TypeError / RangeError naming the argument) are the client's.
      if (e instanceof SyntaxError || e instanceof TypeError || e instanceof RangeError) {
        return new Response(e.message, { status: 400 });
      }
      throw e;
    }
  },
};
