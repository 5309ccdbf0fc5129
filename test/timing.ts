// Work bounds that a busy machine cannot break. A test that guards against an algorithmic blow-up (work
// proportional to a forged claim, a quadratic parse) measures the guarded work in units of a fixed calibration
// workload timed in the same process around it, so that load slows both alike; only performance.now, since the
// bundled tests run in Node, Deno, Bun, Chromium and workerd. test/cli/helpers.mjs has the CLI's counterpart.
import * as assert from "uvu/assert";

// biome-ignore lint/correctness/noUnusedVariables: written so that the workload cannot be optimised away
let sink = 0;

/** The unit: a fixed workload of integer, float and array work (about 0.12 ms on the 2-core build machine). */
function unitOfWork(): void {
  const a = new Float64Array(1024);
  let s = 0x9e3779b9 | 0;
  for (let round = 0; round < 64; round++)
    for (let i = 0; i < a.length; i++) {
      (s ^= s << 13), (s ^= s >>> 17), (s ^= s << 5);
      a[i] = a[(i * 7) & 1023] * 0.5 + (s & 0xff);
    }
  sink += a[s & 1023];
}

/** Wall milliseconds per unit, running whole units until at least `spanMs` has passed (and at least 3). */
function msPerUnit(spanMs: number): number {
  const started = performance.now();
  let units = 0;
  let now = started;
  while ((units < 3 || now - started < spanMs) && units < 1e5) {
    unitOfWork();
    units++;
    now = performance.now();
  }
  return (now - started) / units;
}

// The fastest a unit ever ran here (min of many short runs): dividing by it over-counts units under load, so a
// time within the bound by this measure is within it by any. Refreshed by every careful measurement below.
let fastest = Infinity;
for (let i = 0; i < 20; i++) fastest = Math.min(fastest, msPerUnit(0));
// workerd stops the clock during synchronous work (against timing attacks): there, nothing can be timed.
const clockRuns = fastest > 0;

/**
 * The work `work()` does in calibration units. The units are timed before it and after it over at least as long
 * as it took (the slower is taken), so a slice of the machine that was busy elsewhere during the work is busy
 * elsewhere during its yardstick too. A mean, not a minimum: a short calibration that slipped between the other
 * processes' turns would make a long, preempted piece of work look many units long.
 */
export function workUnits(work: () => void): number {
  const before = msPerUnit(20);
  const started = performance.now();
  work();
  const ms = performance.now() - started;
  // Capped: over 2 s the load is averaged well, and a blow-up should fail soon, not after as long again.
  const after = msPerUnit(Math.min(Math.max(20, ms), 2000));
  fastest = Math.min(fastest, before, after);
  return ms / Math.max(before, after);
}

/**
 * Asserts that `work()` (deterministic, safe to repeat) takes at most `maxUnits` calibration units: at once when
 * its time is within the bound even counted against the fastest unit; otherwise measured around it again (up to
 * three times, since a blow-up is slow every time and a burst of load seldom hits thrice alike).
 */
export function assertWithinUnits(work: () => void, maxUnits: number, what: string): void {
  const started = performance.now();
  work();
  const ms = performance.now() - started;
  if (!clockRuns || ms / fastest <= maxUnits) return;
  const tries: number[] = [];
  for (let attempt = 0; attempt < 3; attempt++) {
    tries.push(workUnits(work));
    if (tries.at(-1)! <= maxUnits) return;
  }
  assert.unreachable(`${what}: ${tries.map((u) => u.toFixed(0)).join(", ")} units of work, over ${maxUnits}`);
}
