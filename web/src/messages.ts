// The messages between the page (app.js) and its training worker (worker.js), as the library's fold workers have
// theirs in src/sae/fold-messages.ts. Types only: the page's JavaScript names them in JSDoc (// @ts-check), and
// `tsc -p web/tsconfig.json` (run by npm test) checks both ends against them; esbuild never bundles this file.
import type { ProgressEvent, SAEProjection } from "../../dist/types/index.js";

/** The training form's values. */
export interface Settings {
  projection: SAEProjection;
  radius: number;
  epochs: [number, number];
  folds: number;
  /** The one hidden layer's size. */
  hidden: number;
}

/** Where the data set comes from. */
export type DataSource =
  | { source: "builtin" }
  | { source: "file"; name: string; bytes: ArrayBuffer }
  | { source: "synthetic"; samples: number; features: number; informative: number; seed: number };

export type LoadMessage = { type: "load" } & DataSource;

/** Page → worker. */
export type ToWorker =
  | LoadMessage
  | { type: "train"; settings: Settings }
  /** `before`: the shown model's phase-1 first-layer weight, whose norms the swept radii are fractions of. */
  | { type: "sweep"; settings: Settings; before: Float32Array }
  | { type: "stop" };

export interface DataSummary {
  name: string;
  samples: number;
  features: number;
  classes: Array<{ label: string; samples: number }>;
  /** Synthetic data: the first `informative` features carry the classes; null for a table. */
  informative: number | null;
}

/** One cross-validation fold's bar on the page. */
export interface FoldBar {
  fold: number;
  accuracy: number;
  kept: number;
}

export interface LatentPoint {
  x: number;
  y: number;
  label: string;
  /** In the holdout rows of the model shown, and misclassified by it. */
  test: boolean;
  wrong: boolean;
}

export interface SweepPoint {
  projection: SAEProjection;
  /** The radius as a fraction of the shown model's first-layer norm. */
  fraction: number;
  radius: number;
  accuracy: number;
  std: number;
  /** The share of features kept. */
  kept: number;
}

/** Worker → page. */
export type FromWorker =
  | { type: "threads"; workers: number; reason: string | null; cores: number; isolated: boolean }
  | { type: "data"; summary: DataSummary }
  /** `data`: the failure was loading a data set (the one loaded before is kept). */
  | { type: "error"; message: string; data: boolean }
  | { type: "fold"; event: { seed: number; fold: number; folds: number; run: number; runs: number } }
  | { type: "fold-result"; run: FoldBar }
  /** fold 0: the model shown. */
  | { type: "progress"; event: ProgressEvent }
  | {
      type: "model";
      before: Float32Array;
      hidden: number;
      featureNames: string[];
      radius: number | null;
      kept: number;
      losses: number[][];
      latent: LatentPoint[];
      axes: string[];
      trainSamples: number;
      holdoutAccuracy: number;
      /** The model as `sparseproj predict` loads it. */
      json: string;
    }
  | {
      type: "cv";
      cv: {
        accuracy: { mean: number; std: number };
        auc: number;
        featureSparsity: number;
        runs: FoldBar[];
        selection: Array<{ name: string; frequency: number; meanScore: number }>;
      };
    }
  | { type: "sweep-baseline"; accuracy: number; done: number; total: number }
  | { type: "sweep-point"; point: SweepPoint; done: number; total: number }
  /** The setting chooseSetting keeps among the sweep's points, and why. */
  | { type: "sweep-chosen"; point: SweepPoint; choice: string }
  | { type: "done" }
  | { type: "stopped" };

/** What worker.js uses of its global scope (a DedicatedWorkerGlobalScope, which the DOM's types do not have). */
export interface TrainingWorkerScope {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
  crossOriginIsolated: boolean;
}
