// The messages between crossValidateInWorkers and its fold workers (fold-worker.ts).
import type { FoldOptions, FoldResult } from "./fold.ts";
import type { Dataset } from "../dataset.ts";
import type { ProgressEvent } from "../options.ts";

export type ToWorker =
  | { type: "init"; module: WebAssembly.Module; data: Dataset; sae: FoldOptions; featureNames: string[] }
  | { type: "fold"; index: number; seed: number; fold: number; test: Int32Array };

export type FromWorker =
  | { type: "progress"; index: number; event: ProgressEvent }
  | { type: "result"; index: number; result: FoldResult }
  | { type: "error"; index: number; name: string; message: string };
