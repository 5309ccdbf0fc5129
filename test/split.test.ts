// Matrix products split over threads for training (src/pool/split.ts): every band of rows computed by a worker is
// summed as one call sums it, so the split product is bit-identical to the one-thread product, for every form,
// shape (rows fewer than threads, partial tiles, k below and above the small-k and vector widths) and kernel build.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { instantiate } from "../src/runtime/engine.ts";
import { relaxedSimdSupported } from "../src/runtime/features.ts";
import { RowSplitter } from "../src/pool/split.ts";
import { threadSupport } from "../src/pool/spawn.ts";
import { Team } from "../src/pool/team.ts";
import { threadsModule } from "../src/pool/threads-module.ts";
import { rng } from "./helpers.ts";

const test = suite("training threads: products split by rows, bit for bit");

const g = globalThis as { crossOriginIsolated?: boolean; Worker?: unknown; process?: { versions?: { node?: string } } };
const threadsExpected =
  g.crossOriginIsolated !== false && (typeof g.Worker === "function" || typeof g.process?.versions?.node === "string");

const FORMS = ["NN", "TN", "NT"] as const;
type Kernel = (...args: number[]) => void;

test("matmulRows split over 2 and 3 threads equals one matmul call bit for bit (plain and relaxed SIMD)", async () => {
  const support = await threadSupport();
  if (typeof support === "string") {
    assert.not.ok(threadsExpected, `threads expected here but: ${support}`);
    return;
  }
  support.dispose();
  const random = rng(71);
  for (const relaxed of relaxedSimdSupported() ? [false, true] : [false]) {
    for (const workers of [1, 2]) {
      const spawner = await threadSupport();
      if (typeof spawner === "string") throw new Error(spawner);
      const module = await threadsModule(relaxed);
      const memory = new WebAssembly.Memory({ initial: 32, maximum: 65536, shared: true });
      const heap = instantiate(module, memory);
      const team = new Team(heap, module, memory, spawner, workers);
      try {
        await team.ready();
        const splitter = new RowSplitter(heap, team);
        splitter.minFlops = 0;
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
              const ptr = (length: number) => heap.alloc(4 * length, "a test matrix");
              const [a, b, c1, c2] = [ptr(m * k), ptr(k * n), ptr(m * n), ptr(m * n)];
              const f32 = (p: number, length: number) => new Float32Array(memory.buffer, p, length);
              for (const [p, length] of [
                [a, m * k],
                [b, k * n],
                [c1, m * n],
              ])
                f32(p, length).forEach((_, i, v) => (v[i] = random() * 2 - 1));
              f32(c2, m * n).set(f32(c1, m * n));
              (heap.exports[`matmul${FORMS[form]}`] as Kernel)(a, b, c1, m, n, k, accumulate);
              assert.ok(splitter.matmul(form, a, b, c2, m, n, k, accumulate), "split");
              const [one, split] = [c1, c2].map((p) => Array.from(new Uint32Array(memory.buffer, p, m * n)));
              assert.equal(split, one, `${FORMS[form]} ${m}×${n}×${k} accumulate ${accumulate} relaxed ${relaxed}`);
              for (const p of [a, b, c1, c2]) heap.free(p);
            }
          }
        }
        assert.not.ok(splitter.matmul(0, 0, 0, 0, 1, 100, 100, 0), "one row stays on the calling thread");
        splitter.minFlops = 1e9;
        assert.not.ok(splitter.matmul(0, 0, 0, 0, 100, 100, 100, 0), "a small product stays on the calling thread");
      } finally {
        team.close();
      }
    }
  }
});

test("conv2d's weight gradient split by input channels over 2 and 3 threads equals one call bit for bit", async () => {
  const support = await threadSupport();
  if (typeof support === "string") {
    assert.not.ok(threadsExpected, `threads expected here but: ${support}`);
    return;
  }
  support.dispose();
  const random = rng(72);
  for (const relaxed of relaxedSimdSupported() ? [false, true] : [false]) {
    for (const workers of [1, 2]) {
      const spawner = await threadSupport();
      if (typeof spawner === "string") throw new Error(spawner);
      const module = await threadsModule(relaxed);
      // A small maximum: every shared memory of 4 GiB reserves its address space until it is collected.
      const memory = new WebAssembly.Memory({ initial: 32, maximum: 256, shared: true });
      const heap = instantiate(module, memory);
      const team = new Team(heap, module, memory, spawner, workers);
      try {
        await team.ready();
        const splitter = new RowSplitter(heap, team);
        splitter.minFlops = 0;
        // [images, c, h, w, o, k, stride, pad]: channels fewer than threads, odd counts, stride 2, small outputs.
        for (const [n, c, h, w, o, k, stride, pad] of [
          [3, 5, 9, 7, 4, 3, 1, 1],
          [2, 2, 6, 5, 3, 3, 2, 1],
          [4, 7, 4, 4, 2, 2, 2, 0],
          [2, 1, 5, 5, 3, 3, 1, 1],
        ]) {
          const oh = Math.floor((h + 2 * pad - k) / stride) + 1,
            ow = Math.floor((w + 2 * pad - k) / stride) + 1;
          const perChannel = k * k * oh * ow;
          for (const accumulate of [0, 1]) {
            const ptr = (length: number) => heap.alloc(4 * length, "a test buffer");
            const f32 = (p: number, length: number) => new Float32Array(memory.buffer, p, length);
            const [x, dy, dw1, dw2] = [n * c * h * w, n * o * oh * ow, o * c * k * k, o * c * k * k].map(ptr);
            const scratch = ptr(splitter.threads * c * perChannel); // a whole image's columns for each part
            for (const [p, length] of [
              [x, n * c * h * w],
              [dy, n * o * oh * ow],
              [dw1, o * c * k * k],
            ])
              f32(p, length).forEach((_, i, v) => (v[i] = random() * 2 - 1));
            f32(dw2, o * c * k * k).set(f32(dw1, o * c * k * k));
            const argsOf = (first: number, last: number, at: number, dw: number) =>
              [x, dy, at, dw, c, h, w, k, k, stride, pad, o, n, first, last, accumulate] as number[];
            (heap.exports.convWeightGrad as Kernel)(...argsOf(0, c, scratch, dw1));
            const split = splitter.ranges("convWeightGrad", c, 1, (first, last, part) =>
              argsOf(first, last, scratch + part * c * perChannel * 4, dw2),
            );
            assert.is(split, c > 1, "split where there are channels to split");
            if (!split) (heap.exports.convWeightGrad as Kernel)(...argsOf(0, c, scratch, dw2));
            const [one, many] = [dw1, dw2].map((p) => Array.from(new Uint32Array(memory.buffer, p, o * c * k * k)));
            assert.equal(many, one, `${JSON.stringify({ n, c, h, w, o, k, stride, pad, accumulate, relaxed })}`);
            for (const p of [x, dy, dw1, dw2, scratch]) heap.free(p);
          }
        }
      } finally {
        team.close();
      }
    }
  }
});

test.run();
