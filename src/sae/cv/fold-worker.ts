// A cross-validation worker, bundled by scripts/build.mjs into a source string (fold-worker-source.generated.ts,
// without the inlined wasm: it is handed the caller's compiled module). It runs the folds it is posted, one at
// a time, exactly as crossValidate would on the calling thread.
import { init } from "../../runtime/engine.ts";
import { evaluateFold } from "./fold.ts";
import type { FromWorker, ToWorker } from "./fold-messages.ts";

interface Port {
  addEventListener(type: "message", listener: (event: { data: ToWorker }) => void): void;
  postMessage(message: FromWorker): void;
  start?(): void;
}

// Defined by the one-line prelude the spawner puts before this source: `self`, or worker_threads' parentPort.
declare const port: Port;

let context: Extract<ToWorker, { type: "init" }> | undefined;
let ready: Promise<void> = Promise.resolve();

port.addEventListener("message", ({ data }) => {
  if (data.type === "init") {
    context = data;
    ready = init({ module: data.module });
    return;
  }
  const { index, seed, fold, test } = data;
  ready
    .then(() => {
      const { data: dataset, sae, featureNames } = context!;
      const result = evaluateFold(dataset, sae, seed, fold, test, featureNames, {
        onProgress: (event) => port.postMessage({ type: "progress", index, event }),
      });
      port.postMessage({ type: "result", index, result });
    })
    .catch((error: unknown) => {
      const { name, message } = error instanceof Error ? error : { name: "Error", message: String(error) };
      port.postMessage({ type: "error", index, name, message });
    });
});
port.start?.();
