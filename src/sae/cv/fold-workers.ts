// Running cross-validation folds in worker threads: each worker gets the data and the compiled module once, then
// takes folds from a queue; results come back in fold order whatever order they finish in.
import { workerSpawner } from "../../pool/spawn.ts";
import { moduleInUse } from "../../runtime/engine.ts";
import type { FoldOptions, FoldResult } from "./fold.ts";
import type { Dataset } from "../dataset.ts";
import type { FromWorker, ToWorker } from "./fold-messages.ts";
import { foldWorkerSource } from "./fold-worker-source.generated.ts";
import type { SAEOptions } from "../options.ts";

export async function runFoldsInWorkers(
  data: Dataset,
  sae: FoldOptions,
  tasks: Array<{ seed: number; fold: number; test: Int32Array }>,
  workers: number,
  onStart: (index: number) => void,
  hooks: Pick<SAEOptions, "onProgress" | "signal"> & { onFoldResult?: (result: FoldResult) => void },
): Promise<FoldResult[]> {
  const spawner = await workerSpawner<ToWorker, FromWorker>(foldWorkerSource);
  if (typeof spawner === "string") throw new Error(`crossValidate: ${spawner}`);
  hooks.signal?.throwIfAborted();
  const results: FoldResult[] = new Array(tasks.length);
  let next = 0;
  const handles: Array<{ terminate(): void }> = [];
  try {
    await new Promise<void>((resolve, reject) => {
      let finished = 0;
      hooks.signal?.addEventListener("abort", () => reject(hooks.signal!.reason), { once: true });
      const give = (worker: { post(m: ToWorker): void }) => {
        if (next >= tasks.length) return;
        const index = next++;
        onStart(index);
        worker.post({ type: "fold", index, ...tasks[index] });
      };
      for (let w = 0; w < Math.min(workers, tasks.length); w++) {
        const worker = spawner.spawn({
          message(m) {
            if (m.type === "progress") hooks.onProgress?.(m.event);
            else if (m.type === "error") {
              // The class survives the thread: a RangeError about the data stays one, as in the sequential path.
              const Kind = m.name === "RangeError" ? RangeError : m.name === "TypeError" ? TypeError : Error;
              reject(new Kind(`fold ${tasks[m.index].fold} (seed ${tasks[m.index].seed}): ${m.message}`));
            } else {
              results[m.index] = m.result;
              hooks.onFoldResult?.(m.result);
              if (++finished === tasks.length) resolve();
              else give(worker);
            }
          },
          lost: (cause) => reject(new Error(`a cross-validation worker ${cause}`)),
        });
        handles.push(worker);
        worker.post({ type: "init", module: moduleInUse(), data, sae, featureNames: sae.featureNames! });
        give(worker);
      }
    });
  } finally {
    for (const h of handles) h.terminate();
    spawner.dispose();
  }
  return results;
}
