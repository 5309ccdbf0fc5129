// Work of a training step split over threads (src/pool/split.ts): every band of rows computed by a worker is summed
// as one call sums it, so the split product is bit-identical to the one-thread product, for every form, shape (rows
// fewer than threads, partial tiles, k below and above the small-k and vector widths) and kernel build; likewise a
// convolution's weight gradient split by input channels, and an Adam step and elementwise functions split by values.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { instantiate } from "../src/runtime/engine.ts";
import type { Heap } from "../src/runtime/heap.ts";
import { relaxedSimdSupported } from "../src/runtime/features.ts";
import { RowSplitter } from "../src/pool/split.ts";
import { threadSupport } from "../src/pool/spawn.ts";
import { Team } from "../src/pool/team.ts";
import { threadsModule } from "../src/pool/threads-module.ts";
import { UNARY_OPS } from "../src/autograd/backend.ts";
import "../src/autograd/ops.ts"; // defines the elementwise functions (fills UNARY_OPS)
import { convOutput, rng } from "./helpers.ts";

const test = suite("training threads: products split by rows, bit for bit");

const g = globalThis as { crossOriginIsolated?: boolean; Worker?: unknown; process?: { versions?: { node?: string } } };
const threadsExpected =
  g.crossOriginIsolated !== false && (typeof g.Worker === "function" || typeof g.process?.versions?.node === "string");

const FORMS = ["NN", "TN", "NT"] as const;
type Kernel = (...args: number[]) => void;

/**
 * Runs `check` with a splitter that splits everything (minFlops 0), on 2 and 3 threads and each kernel build, on a
 * shared memory of its own; false where threads cannot run here (and are not expected to).
 */
async function eachSplitter(
  check: (heap: Heap, memory: WebAssembly.Memory, splitter: RowSplitter, relaxed: boolean) => void,
): Promise<boolean> {
  const support = await threadSupport();
  if (typeof support === "string") {
    assert.not.ok(threadsExpected, `threads expected here but: ${support}`);
    return false;
  }
  support.dispose();
  for (const relaxed of relaxedSimdSupported() ? [false, true] : [false]) {
    for (const workers of [1, 2]) {
      const spawner = await threadSupport();
      if (typeof spawner === "string") throw new Error(spawner);
      const module = await threadsModule(relaxed);
      // A small maximum: a shared memory reserves its maximum's address space until it is collected.
      const memory = new WebAssembly.Memory({ initial: 32, maximum: 1024, shared: true });
      const heap = instantiate(module, memory);
      const team = new Team(heap, module, memory, spawner, workers);
      try {
        await team.ready();
        const splitter = new RowSplitter(heap, team);
        splitter.minFlops = 0;
        check(heap, memory, splitter, relaxed);
      } finally {
        team.close();
      }
    }
  }
  return true;
}

/** `length` random values in [−1, 1) at a new block of the heap. */
function randomBlock(heap: Heap, memory: WebAssembly.Memory, random: () => number, length: number): number {
  const p = heap.alloc(4 * length, "a test block");
  new Float32Array(memory.buffer, p, length).forEach((_, i, v) => (v[i] = random() * 2 - 1));
  return p;
}

const bitsAt = (memory: WebAssembly.Memory, p: number, length: number) =>
  Array.from(new Uint32Array(memory.buffer, p, length));

test("matmulRows split over 2 and 3 threads equals one matmul call bit for bit (plain and relaxed SIMD)", async () => {
  const random = rng(71);
  await eachSplitter((heap, memory, splitter, relaxed) => {
    for (const [m, n, k] of [
      [2, 3, 5],
      [3, 17, 2],
      [5, 9, 7],
      [8, 8, 8],
      [13, 33, 65],
      [33, 100, 130],
      [64, 49, 9],
      [9, 1, 300],
    ]) {
      for (let form = 0; form < 3; form++) {
        for (const accumulate of [0, 1]) {
          const [a, b, c1] = [m * k, k * n, m * n].map((length) => randomBlock(heap, memory, random, length));
          const c2 = heap.alloc(4 * m * n, "a test block");
          new Uint32Array(memory.buffer, c2, m * n).set(new Uint32Array(memory.buffer, c1, m * n));
          (heap.exports[`matmul${FORMS[form]}`] as Kernel)(a, b, c1, m, n, k, accumulate);
          assert.ok(splitter.matmul(form, a, b, c2, m, n, k, accumulate), "split");
          const what = `${FORMS[form]} ${m}×${n}×${k} accumulate ${accumulate} relaxed ${relaxed}`;
          assert.equal(bitsAt(memory, c2, m * n), bitsAt(memory, c1, m * n), what);
          for (const p of [a, b, c1, c2]) heap.free(p);
        }
      }
    }
    assert.not.ok(splitter.matmul(0, 0, 0, 0, 1, 100, 100, 0), "one row stays on the calling thread");
    splitter.minFlops = 1e9;
    assert.not.ok(splitter.matmul(0, 0, 0, 0, 100, 100, 100, 0), "a small product stays on the calling thread");
  });
});

test("conv2d's weight gradient split by input channels over 2 and 3 threads equals one call bit for bit", async () => {
  const random = rng(72);
  await eachSplitter((heap, memory, splitter, relaxed) => {
    // [images, c, h, w, o, k, stride, pad]: channels fewer than threads, odd counts, stride 2, small outputs.
    for (const [n, c, h, w, o, k, stride, pad] of [
      [3, 5, 9, 7, 4, 3, 1, 1],
      [2, 2, 6, 5, 3, 3, 2, 1],
      [4, 7, 4, 4, 2, 2, 2, 0],
      [2, 1, 5, 5, 3, 3, 1, 1],
    ]) {
      const [oh, ow] = convOutput(h, w, k, stride, pad);
      const perChannel = k * k * oh * ow,
        size = o * c * k * k;
      for (const accumulate of [0, 1]) {
        const [x, dy, dw1] = [n * c * h * w, n * o * oh * ow, size].map((l) => randomBlock(heap, memory, random, l));
        const dw2 = heap.alloc(4 * size, "a test block");
        new Uint32Array(memory.buffer, dw2, size).set(new Uint32Array(memory.buffer, dw1, size));
        const scratch = heap.alloc(4 * splitter.threads * c * perChannel, "scratch"); // an image's columns a part
        const argsOf = (first: number, last: number, part: number, dw: number) => [
          x,
          dy,
          scratch + part * c * perChannel * 4,
          dw,
          c,
          h,
          w,
          k,
          k,
          stride,
          pad,
          o,
          n,
          first,
          last,
          accumulate,
        ];
        (heap.exports.convWeightGrad as Kernel)(...argsOf(0, c, 0, dw1));
        const split = splitter.ranges("convWeightGrad", c, 1, (first, last, part) => argsOf(first, last, part, dw2));
        assert.is(split, c > 1, "split where there are channels to split");
        if (!split) (heap.exports.convWeightGrad as Kernel)(...argsOf(0, c, 0, dw2));
        const what = JSON.stringify({ n, c, h, w, o, k, stride, pad, accumulate, relaxed });
        assert.equal(bitsAt(memory, dw2, size), bitsAt(memory, dw1, size), what);
        for (const p of [x, dy, dw1, dw2, scratch]) heap.free(p);
      }
    }
  });
});

test("an Adam step split by elements over 2 and 3 threads equals one call bit for bit, masked or not", async () => {
  const random = rng(73);
  await eachSplitter((heap, memory, splitter, relaxed) => {
    for (const n of [1, 5, 9, 103, 4096]) {
      for (const masked of [false, true]) {
        // Two copies of [w, g, m, v, mask]: one updated by one call, the other split.
        const blocks = [0, 1].map(() => [0, 1, 2, 3, 4].map(() => heap.alloc(4 * n, "a test block")));
        for (let b = 0; b < 5; b++) {
          const values = Float32Array.from({ length: n }, () =>
            b === 4 ? Number(random() < 0.7) : b === 3 ? random() : random() * 2 - 1,
          );
          for (const copy of blocks) new Float32Array(memory.buffer, copy[b], n).set(values);
        }
        const argsOf = ([w, g, m, v, mask]: number[], first: number, last: number) => [
          ...[w, g, m, v].map((p) => p + 4 * first),
          masked ? mask + 4 * first : 0,
          last - first,
          ...[1e-3, 0.9, 0.999, 1e-8, 0.01, 1 - 0.9 ** 3, Math.sqrt(1 - 0.999 ** 3)],
        ];
        (heap.exports.adamStep as Kernel)(...argsOf(blocks[0], 0, n));
        assert.ok(splitter.ranges("adamStep", n, 1, (first, last) => argsOf(blocks[1], first, last), 4) || n === 1);
        if (n === 1) (heap.exports.adamStep as Kernel)(...argsOf(blocks[1], 0, n));
        for (let b = 0; b < 4; b++)
          assert.equal(bitsAt(memory, blocks[1][b], n), bitsAt(memory, blocks[0][b], n), `n=${n} ${b} ${relaxed}`);
        for (const p of blocks.flat()) heap.free(p);
      }
    }
  });
});

test("elementwise functions and their gradients split by values over 2 and 3 threads equal one call bit for bit", async () => {
  const random = rng(79);
  await eachSplitter((heap, memory, splitter, relaxed) => {
    for (const n of [2, 5, 9, 103, 4099]) {
      // x spans expf's range and beyond (|x| ≥ 88 takes the scalar path), log's NaN for x < 0 included.
      const [x, y1, y2, dy, dx1, dx2] = [0, 1, 2, 3, 4, 5].map(() => randomBlock(heap, memory, random, n));
      new Float32Array(memory.buffer, x, n).forEach((v, i, a) => (a[i] = v * [3, 40, 120][i % 3]));
      for (const op of UNARY_OPS) {
        (heap.exports.unary as Kernel)(op.code, x, y1, n);
        assert.ok(splitter.ranges("unary", n, 1, (f, l) => [op.code, x + 4 * f, y2 + 4 * f, l - f], 4));
        const what = `${op.name} n=${n} ${relaxed}`;
        assert.equal(bitsAt(memory, y2, n), bitsAt(memory, y1, n), what);
        for (const accumulate of [0, 1]) {
          new Float32Array(memory.buffer, dx2, n).set(new Float32Array(memory.buffer, dx1, n));
          (heap.exports.unaryGrad as Kernel)(op.code, x, y1, dy, dx1, n, accumulate);
          const argsOf = (f: number, l: number) => [
            op.code,
            ...[x, y1, dy, dx2].map((p) => p + 4 * f),
            l - f,
            accumulate,
          ];
          assert.ok(splitter.ranges("unaryGrad", n, 1, argsOf, 4));
          assert.equal(bitsAt(memory, dx2, n), bitsAt(memory, dx1, n), `${what} gradient ${accumulate}`);
        }
      }
      for (const p of [x, y1, y2, dy, dx1, dx2]) heap.free(p);
    }
  });
});

test.run();
