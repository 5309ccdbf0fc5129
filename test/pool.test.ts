import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as sp from "../src/index.ts";
import type { Axis, GroupedShape, GroupNormKind } from "../src/types.ts";
import { assertClose, assertNear, FLOAT_TYPES, maxAbs, messyValues, randomInt, rng, tolerance } from "./helpers.ts";

const test = suite("thread pool: same results as the calling thread, queued calls, faults");

// The test hooks of a pool (not part of its public type).
interface Hooks {
  __terminateWorker(i: number): void;
  __sabotage(i: number, how: "throw" | "terminate"): void;
  __setMinParallelElements(elements: number): void;
  __wakeWorkers(): void;
}
const hooks = (pool: sp.Pool) => pool as sp.Pool & Hooks;

// Threads are expected wherever the host has workers, except a page served without COOP/COEP
// (crossOriginIsolated is undefined, not false, in Node, Deno and Bun).
const g = globalThis as { crossOriginIsolated?: boolean; Worker?: unknown; process?: { versions?: { node?: string } } };
const hostHasWorkers = typeof g.Worker === "function" || typeof g.process?.versions?.node === "string";
const threadsExpected = g.crossOriginIsolated !== false && hostHasWorkers;

const PROJECT = { inf: sp.bilevelL1Inf, "1": sp.bilevelL11, "2": sp.bilevelL12 } as const;
const POOL_PROJECT = { inf: "bilevelL1Inf", "1": "bilevelL11", "2": "bilevelL12" } as const;
const NORM = { inf: sp.normL1Inf, "1": sp.normL11, "2": sp.normL12 } as const;
const POOL_NORM = { inf: "normL1Inf", "1": "normL11", "2": "normL12" } as const;
const KINDS: GroupNormKind[] = ["inf", "1", "2"];
const AXES: Axis[] = ["columns", "rows"];

async function withPool(threads: number, body: (pool: sp.Pool) => Promise<void>): Promise<void> {
  const pool = await sp.createPool({ threads });
  try {
    await body(pool);
  } finally {
    await pool.close();
  }
}

/**
 * Exactness of pool results against the calling thread's, on the same input:
 * - ℓ1,∞, and every kind with row groups: bit for bit (max is order-free; a row group is reduced by one worker);
 * - ℓ1,1 / ℓ1,2 with column groups: the column sums are added per row block, then across blocks, which moves
 *   the norms by f64 rounding (~rows·2^-53 relative) and may move a threshold by one ulp of the element type,
 *   so the helpers' tolerance: 1e-6 (f32) / 1e-10 (f64) of the data's scale.
 */
function exact(kind: GroupNormKind, axis: Axis): boolean {
  return kind === "inf" || axis === "rows";
}

test("createPool: worker threads where the host has them, one thread (calling) otherwise", async () => {
  for (const threads of [1, 2, 4]) {
    await withPool(threads, async (pool) => {
      assert.is(pool.threads, threadsExpected ? threads : 1);
    });
  }
  const pool = await sp.createPool();
  try {
    assert.ok(
      Number.isInteger(pool.threads) && pool.threads >= 1 && pool.threads <= 4,
      `default threads ${pool.threads}`,
    );
    if (!threadsExpected) assert.is(pool.threads, 1);
  } finally {
    await pool.close();
  }
});

for (const threads of [1, 2, 4]) {
  test(`${threads} thread(s): random signed matrices, all kinds, both axes, f32/f64 = the calling thread`, async () => {
    await withPool(threads, async (pool) => {
      hooks(pool).__setMinParallelElements(1); // every matrix through the workers, however small
      const random = rng(1000 + threads);
      for (let trial = 0; trial < 60; trial++) {
        const [type, Float] = FLOAT_TYPES[trial % 2];
        const big = trial % 10 === 3;
        const rows = trial % 15 === 0 ? randomInt(random, 1, 3) : randomInt(random, 1, big ? 700 : 90);
        const cols = randomInt(random, 1, big ? 400 : 90);
        const y = Float.from(messyValues(random, rows * cols));
        for (const kind of KINDS) {
          for (const axis of AXES) {
            const options = { axis };
            const norm = NORM[kind](y, rows, cols, options);
            const radius = random() < 0.1 ? 0 : norm * (random() < 0.85 ? random() : 1 + random());
            const expected = PROJECT[kind](y, rows, cols, radius, options);
            const actual = await pool[POOL_PROJECT[kind]](y, rows, cols, radius, options);
            const what = `${type} ${rows}×${cols} ℓ1,${kind} ${axis} η=${radius}`;
            assert.instance(actual, Float, what);
            const poolNorm = await pool[POOL_NORM[kind]](y, rows, cols, options);
            if (exact(kind, axis)) {
              assert.equal(actual, expected, what);
              assert.is(poolNorm, norm, `norm ${what}`);
            } else {
              assertClose(actual, expected, tolerance(type, maxAbs(y) + radius), what);
              assertNear(poolNorm, norm, 1e-12 * norm, `norm ${what}`);
            }
          }
        }
      }
    });
  });
}

for (const threads of [1, 2, 4]) {
  test(
    `${threads} thread(s): exact ℓ1,∞ on random signed matrices, ` +
      "both axes, f32/f64 = the calling thread, bit for bit",
    async () => {
      await withPool(threads, async (pool) => {
        hooks(pool).__setMinParallelElements(1);
        const random = rng(2000 + threads);
        for (let trial = 0; trial < 60; trial++) {
          const [type, Float] = FLOAT_TYPES[trial % 2];
          const big = trial % 10 === 3;
          // Single rows and single columns (one group, or groups of one) among the shapes.
          const rows = trial % 6 === 0 ? 1 : randomInt(random, 1, big ? 600 : 90);
          const cols = trial % 6 === 1 ? 1 : randomInt(random, 1, big ? 500 : 90);
          const y = Float.from(messyValues(random, rows * cols));
          for (const axis of AXES) {
            const options = { axis };
            const norm = sp.normL1Inf(y, rows, cols, options);
            // Outside the ball mostly; inside it (y itself) and η = 0 sometimes.
            const radius = random() < 0.1 ? 0 : norm * (random() < 0.8 ? random() : 1 + random());
            const expected = sp.projectL1Inf(y, rows, cols, radius, options);
            const actual = await pool.projectL1Inf(y, rows, cols, radius, options);
            const what = `${type} ${rows}×${cols} exact ℓ1,∞ ${axis} η=${radius}`;
            assert.instance(actual, Float, what);
            assert.equal(actual, expected, what);
          }
        }
      });
    },
  );
}

test("exact ℓ1,∞ in the pool's memory, in place; below the crossover on the calling thread, alike", async () => {
  await withPool(2, async (pool) => {
    const random = rng(78);
    const rows = 300,
      cols = 170;
    for (const [type, Float] of FLOAT_TYPES) {
      const data = Float.from(messyValues(random, rows * cols));
      const radius = sp.normL1Inf(data, rows, cols, { axis: "rows" }) / 3;
      const expected = sp.projectL1Inf(data, rows, cols, radius, { axis: "rows" });
      assert.equal(
        await pool.projectL1Inf(data, rows, cols, radius, { axis: "rows" }),
        expected,
        `${type} default crossover`,
      );
      hooks(pool).__setMinParallelElements(1);
      const x = pool.allocate(rows * cols, type as "f64");
      x.array.set(data);
      assert.is(await pool.projectL1Inf(x, rows, cols, radius, { axis: "rows", out: x }), x.array);
      assert.equal(x.array, expected, `${type} in place`);
      x.free();
      hooks(pool).__setMinParallelElements(1 << 30);
    }
  });
});

test("arrays in the pool's memory are projected in place or into another, without copies", async () => {
  await withPool(2, async (pool) => {
    hooks(pool).__setMinParallelElements(1);
    const random = rng(77);
    const rows = 300,
      cols = 170;
    for (const [type, Float] of FLOAT_TYPES) {
      const data = Float.from(messyValues(random, rows * cols));
      const radius = sp.normL1Inf(data, rows, cols) / 3;
      const expected = sp.bilevelL1Inf(data, rows, cols, radius);
      const x = pool.allocate(rows * cols, type as "f64");
      const out = pool.allocate(rows * cols, type as "f64");
      x.array.set(data);
      assert.is(await pool.bilevelL1Inf(x, rows, cols, radius, { out }), out.array);
      assert.equal(out.array, expected);
      assert.equal(x.array, data, "input untouched");
      await pool.bilevelL1Inf(x, rows, cols, radius, { out: x });
      assert.equal(x.array, expected, "in place");
      x.free();
      out.free();
    }
  });
});

test("vector projections through the pool = the package's", async () => {
  await withPool(2, async (pool) => {
    const random = rng(3);
    for (const [type, Float] of FLOAT_TYPES) {
      const y = Float.from(messyValues(random, 5000));
      const what = `${type} n=5000`;
      assert.equal(await pool.projectL1Ball(y, 3), sp.projectL1Ball(y, 3), `ℓ1 ${what}`);
      assert.equal(await pool.projectSimplex(y, 3), sp.projectSimplex(y, 3), `simplex ${what}`);
      assert.equal(await pool.projectL2Ball(y, 3), sp.projectL2Ball(y, 3), `ℓ2 ${what}`);
      assert.equal(await pool.projectLInfBall(y, 0.01), sp.projectLInfBall(y, 0.01), `ℓ∞ ${what}`);
    }
  });
});

test("huge f64: ℓ1,2 norms overflow sums of squares and take the scaled path, as on the calling thread", async () => {
  await withPool(2, async (pool) => {
    hooks(pool).__setMinParallelElements(1);
    const random = rng(21);
    const rows = 120,
      cols = 70;
    const y = Float64Array.from(messyValues(random, rows * cols), (v) => v * 1e200);
    for (const axis of AXES) {
      const norm = sp.normL12(y, rows, cols, { axis });
      assert.ok(Number.isFinite(norm) && norm > 1e200, `finite norm ${norm}`);
      assert.is(await pool.normL12(y, rows, cols, { axis }), norm, axis);
      assert.equal(
        await pool.bilevelL12(y, rows, cols, norm / 3, { axis }),
        sp.bilevelL12(y, rows, cols, norm / 3, { axis }),
        axis,
      );
    }
  });
});

test("1,000 concurrent calls on one pool all resolve, each with its own result", async () => {
  await withPool(2, async (pool) => {
    hooks(pool).__setMinParallelElements(1000); // a mix of worker and calling-thread calls
    const random = rng(11);
    const cases = Array.from({ length: 1000 }, (_, k) => {
      const rows = randomInt(random, 1, 60),
        cols = randomInt(random, 1, 60);
      const y = Float32Array.from(messyValues(random, rows * cols));
      const kind = KINDS[k % 3];
      const axis = AXES[(k >> 2) % 2];
      return { y, rows, cols, kind, axis, radius: NORM[kind](y, rows, cols, { axis }) / 2 };
    });
    const results = await Promise.all(
      cases.map((c) => pool[POOL_PROJECT[c.kind]](c.y, c.rows, c.cols, c.radius, { axis: c.axis })),
    );
    results.forEach((actual, k) => {
      const c = cases[k];
      const expected = PROJECT[c.kind](c.y, c.rows, c.cols, c.radius, { axis: c.axis });
      const what = `call ${k}: ${c.rows}×${c.cols} ℓ1,${c.kind} ${c.axis}`;
      if (exact(c.kind, c.axis)) assert.equal(actual, expected, what);
      else assertClose(actual, expected, tolerance("f32", maxAbs(c.y) + c.radius), what);
    });
  });
});

test("bad arguments reject (not throw) with the core API's errors; the pool goes on", async () => {
  await withPool(2, async (pool) => {
    const rejects = async (call: () => Promise<unknown>, type: ErrorConstructor, pattern: RegExp, what: string) => {
      let promise: Promise<unknown>;
      try {
        promise = call();
      } catch (error) {
        return assert.unreachable(`${what}: threw synchronously: ${error}`);
      }
      try {
        await promise;
      } catch (error) {
        assert.instance(error, type, `${what}: ${error}`);
        assert.match((error as Error).message, pattern, what);
        return;
      }
      assert.unreachable(`${what}: resolved`);
    };
    hooks(pool).__setMinParallelElements(1);
    await rejects(
      () => pool.bilevelL1Inf("x" as unknown as Float64Array, 1, 1, 1),
      TypeError,
      /x must be/,
      "x a string",
    );
    await rejects(() => pool.bilevelL11(new Float64Array(6), 2, 4, 1), RangeError, /rows × cols/, "shape");
    await rejects(() => pool.bilevelL12(new Float64Array(6), 2, 3, -1), RangeError, /radius/, "radius");
    await rejects(
      () => pool.normL1Inf(new Float64Array(6), 2, 3, { axis: "diagonal" as Axis }),
      RangeError,
      /axis/,
      "axis",
    );
    const y = new Float64Array(4000).fill(1);
    y[2345] = NaN;
    for (const axis of AXES) {
      await rejects(() => pool.bilevelL1Inf(y, 40, 100, 1, { axis }), RangeError, /x\[2345\] is NaN/, `NaN ${axis}`);
    }
    await rejects(
      () => pool.projectL1Inf("x" as unknown as Float64Array, 1, 1, 1),
      TypeError,
      /x must be/,
      "exact: x a string",
    );
    await rejects(() => pool.projectL1Inf(new Float64Array(6), 2, 4, 1), RangeError, /rows × cols/, "exact: shape");
    await rejects(() => pool.projectL1Inf(new Float64Array(6), 2, 3, -1), RangeError, /radius/, "exact: radius");
    await rejects(
      () => pool.projectL1Inf(new Float64Array(6), 2, 3, 1, { axis: "diagonal" as Axis }),
      RangeError,
      /axis/,
      "exact: axis",
    );
    for (const axis of AXES) {
      await rejects(
        () => pool.projectL1Inf(y, 40, 100, 1, { axis }),
        RangeError,
        /x\[2345\] is NaN/,
        `exact: NaN ${axis}`,
      );
      // Finite data whose group ℓ1 sums overflow (found in the per-group preparation, on the workers).
      const huge = new Float64Array(4000).fill(1.7e308);
      await rejects(
        () => pool.projectL1Inf(huge, 40, 100, 1, { axis }),
        RangeError,
        /values too large/,
        `exact: overflow ${axis}`,
      );
      assert.throws(
        () => sp.projectL1Inf(huge, 40, 100, 1, { axis }),
        /values too large/,
        `exact: overflow ${axis}, calling thread`,
      );
    }
    await rejects(() => sp.createPool({ threads: 0 }), RangeError, /threads/, "threads: 0");
    await rejects(() => sp.createPool({ threads: 1.5 }), RangeError, /threads/, "threads: 1.5");
    assert.equal(Array.from(await pool.bilevelL1Inf([1, 2, 3, 4], 2, 2, 100)), [1, 2, 3, 4]);
    assert.equal(Array.from(await pool.projectL1Inf([1, 2, 3, 4], 2, 2, 100)), [1, 2, 3, 4]);
  });
});

test("faults: a worker that throws or dies fails that call only; the pool replaces it and goes on", async () => {
  await withPool(2, async (pool) => {
    if (pool.threads === 1) return; // no workers to break
    hooks(pool).__setMinParallelElements(1);
    const random = rng(5);
    const rows = 400,
      cols = 300;
    const y = Float32Array.from(messyValues(random, rows * cols));
    const radius = sp.normL1Inf(y, rows, cols) / 4;
    const expected = sp.bilevelL1Inf(y, rows, cols, radius);
    const fails = async (pattern: RegExp, what: string) => {
      try {
        await pool.bilevelL1Inf(y, rows, cols, radius);
      } catch (error) {
        assert.match((error as Error).message, pattern, `${what}: ${(error as Error).message}`);
        return;
      }
      assert.unreachable(`${what}: the call succeeded`);
    };

    hooks(pool).__sabotage(1, "throw");
    await fails(/worker 1 failed: .*test hook/, "a worker throws");
    assert.equal(await pool.bilevelL1Inf(y, rows, cols, radius), expected, "after a throw");

    hooks(pool).__sabotage(1, "terminate");
    await fails(/worker 1 was terminated/, "a worker killed during its task");
    assert.equal(await pool.bilevelL1Inf(y, rows, cols, radius), expected, "after a death");

    hooks(pool).__terminateWorker(0);
    assert.equal(await pool.bilevelL1Inf(y, rows, cols, radius), expected, "after an idle worker's death");

    // Calls queued behind a failing one still complete.
    hooks(pool).__sabotage(0, "terminate");
    const queued = [
      pool.bilevelL1Inf(y, rows, cols, radius),
      pool.bilevelL1Inf(y, rows, cols, radius),
      pool.normL1Inf(y, rows, cols),
    ];
    const settled = await Promise.allSettled(queued);
    assert.is(settled[0].status, "rejected");
    assert.equal((settled[1] as PromiseFulfilledResult<Float32Array>).value, expected);
    assert.is((settled[2] as PromiseFulfilledResult<number>).value, sp.normL1Inf(y, rows, cols));
    assert.is(pool.threads, 2);
  });
});

test("a worker woken without a task (Atomics.wait may return so) does not run its last one again", async () => {
  await withPool(4, async (pool) => {
    if (pool.threads === 1) return; // no workers to wake
    hooks(pool).__setMinParallelElements(1);
    const random = rng(11);
    const shape: GroupedShape = [1, 15, 1];
    // In place in the pool's memory, so that a second run of a worker's apply task would scale its block again.
    const x = pool.allocate(15);
    try {
      for (let round = 0; round < 10; round++) {
        const y = Float64Array.from(messyValues(random, 15));
        const radius = sp.groupedNorm("2", y, shape) / 2;
        const expected = sp.bilevelL12Grouped(y, shape, radius);
        x.array.set(y);
        await pool.bilevelL12Grouped(x, shape, radius, { out: x });
        assert.equal(x.array, expected, `round ${round}`);
        await new Promise((resolve) => setTimeout(resolve, 2)); // the workers wait for their next task
        hooks(pool).__wakeWorkers();
        // A worker finishes whatever the wake-up set it doing before it takes its task of this call.
        await pool.groupedNorm("2", y, shape);
        assert.equal(x.array, expected, `round ${round}, after the wake-up`);
      }
    } finally {
      x.free();
    }
  });
});

test("close(): calls made before it complete; calls after it reject", async () => {
  const pool = await sp.createPool({ threads: 2 });
  hooks(pool).__setMinParallelElements(1);
  const y = Float64Array.from(messyValues(rng(9), 200 * 50));
  const before = pool.bilevelL1Inf(y, 200, 50, 1);
  const closing = pool.close();
  assert.equal(await before, sp.bilevelL1Inf(y, 200, 50, 1), "made before close()");
  await closing;
  await pool.close(); // twice is fine
  for (const call of [
    () => pool.bilevelL1Inf(y, 200, 50, 1),
    () => pool.projectL1Ball(y, 1),
    () => pool.normL11(y, 200, 50),
  ]) {
    try {
      await call();
      assert.unreachable("a call after close() resolved");
    } catch (error) {
      assert.match((error as Error).message, /pool is closed/);
    }
  }
});

test.run();
