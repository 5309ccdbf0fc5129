// Timing of one JavaScript-side call with tinybench: the median of its samples, with the sample count scaled
// down for big inputs so the whole suite fits in about ten minutes on two cores.
import { Bench } from "tinybench";

/** Budget for one task: time (ms) and minimum iterations, after a short warmup. */
function budget(elements, quick) {
  const scale = quick ? 0.5 : 1;
  if (elements <= 2e5) return { time: 200 * scale, iterations: 20, warmupTime: 50 * scale, warmupIterations: 5 };
  if (elements <= 2e6) return { time: 200 * scale, iterations: 8, warmupTime: 30, warmupIterations: 2 };
  return { time: 100 * scale, iterations: 5, warmupTime: 0, warmupIterations: 1 };
}

/** The median time of fn() in milliseconds, and the number of samples it came from. */
export async function medianMs(fn, elements, quick = false) {
  const bench = new Bench({ ...budget(elements, quick), throws: true });
  bench.add("task", fn);
  await bench.run();
  const { latency } = bench.tasks[0].result;
  return { ms: latency.p50, samples: latency.samplesCount };
}

/** The time budget handed to the C baseline for the same input, in milliseconds. */
export function nativeBudgetMs(elements, quick = false) {
  return (elements <= 2e6 ? 200 : 100) * (quick ? 0.5 : 1);
}
