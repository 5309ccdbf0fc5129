// The messages between the page (app.js) and its training worker (worker.js), as the library's fold workers have
// theirs in src/sae/fold-messages.ts. Types only: the page's JavaScript names them in JSDoc (// @ts-check), and
// `tsc -p web/tsconfig.json` (run by npm test) checks both ends against them; esbuild never bundles this file.
import type { ImputeMethod, ProgressEvent, SAEProjection } from "../../dist/types/index.js";

/** The training form's values. */
export interface Settings {
  projection: SAEProjection;
  /** Raw η, or "auto": chosen inside each training set (trainSAE's radius 'auto', the command line's --radius auto). */
  radius: number | "auto";
  epochs: [number, number];
  folds: number;
  /** Repeats of the folds with seeds 0..seeds−1. */
  seeds: number;
  /** The one hidden layer's size. */
  hidden: number;
}

/** How a user's table is read (parseTable's labelColumn, idColumn, ignoreColumns) and its missing cells filled. */
export interface Mapping {
  labelColumn: string;
  /** null: the line number is the sample's id. */
  idColumn: string | null;
  ignoreColumns: string[];
  /** null: a missing cell is refused. */
  impute: ImputeMethod | null;
}

/** Where the data set comes from. */
export type DataSource =
  | { source: "builtin" }
  | { source: "file"; name: string; bytes: ArrayBuffer; mapping: Mapping }
  | { source: "synthetic"; samples: number; features: number; informative: number; seed: number };

export type LoadMessage = { type: "load" } & DataSource;

/** Page → worker. */
export type ToWorker =
  | LoadMessage
  | { type: "train"; settings: Settings }
  /** `before`: the shown model's phase-1 first-layer weight, whose norms the swept radii are fractions of. */
  | { type: "sweep"; settings: Settings; before: Float32Array }
  /** The values of one feature by class, for its strip plot. */
  | { type: "feature"; name: string }
  /** New samples to classify with the model shown. */
  | { type: "predict"; name: string; bytes: ArrayBuffer }
  | { type: "stop" };

export interface DataSummary {
  name: string;
  samples: number;
  features: number;
  classes: Array<{ label: string; samples: number }>;
  /** Synthetic data: the first `informative` features carry the classes; null for a table. */
  informative: number | null;
  /** The table's missing cells (0 when it has none), and the samples and features they are in. */
  missing: { cells: number; rows: number; columns: number };
  /** How missing cells are filled in each training set; null: none is. */
  impute: string | null;
  /** Why the data cannot be trained on as read (missing cells and no imputation chosen); null when it can. */
  problem: string | null;
}

/** One cross-validation fold's bar on the page. */
export interface FoldBar {
  seed: number;
  fold: number;
  accuracy: number;
  kept: number;
}

export interface LatentPoint {
  x: number;
  y: number;
  /** The sample's id (its id column, else its line), its class in the file, the class predicted and its probability. */
  id: string;
  label: string;
  predicted: string;
  confidence: number;
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
  /**
   * `data`: the failure was loading a data set (the one loaded before is kept); `predict`: reading or classifying
   * the samples to predict.
   */
  | { type: "error"; message: string; data: boolean; predict?: boolean }
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
      /** With radius "auto": the radii tried on the validation carve, with their accuracy and sparsity. */
      tried: Array<{ radius: number; accuracy: number; featureSparsity: number }>;
    }
  | {
      type: "cv";
      cv: {
        accuracy: { mean: number; std: number };
        auc: number;
        featureSparsity: number;
        runs: FoldBar[];
        /** The radius each run trained at (with "auto", the one chosen inside its training folds). */
        radii: number[];
        selection: Array<{ index: number; name: string; frequency: number; meanScore: number }>;
      };
    }
  | { type: "sweep-baseline"; accuracy: number; done: number; total: number }
  | { type: "sweep-point"; point: SweepPoint; done: number; total: number }
  /** The setting chooseSetting keeps among the sweep's points, and why. */
  | { type: "sweep-chosen"; point: SweepPoint; choice: string }
  | { type: "feature"; name: string; values: Array<{ label: string; value: number }>; missing: number }
  | { type: "predictions"; predictions: Predictions }
  | { type: "done" }
  | { type: "stopped" };

/** What worker.js uses of its global scope (a DedicatedWorkerGlobalScope, which the DOM's types do not have). */
export interface TrainingWorkerScope {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
  crossOriginIsolated: boolean;
}

/** The samples of a second table classified by the model shown: what `sparseproj predict --json` reports. */
export interface Predictions {
  file: string;
  classes: string[];
  /** The model's features the table must hold (its panel: the features the first layer reads). */
  panel: string[];
  /** Fraction predicted right when the table has the label column; null otherwise. */
  accuracy: number | null;
  rows: Array<{ sample: string; label: string | null; predicted: string; confidence: number; probabilities: number[] }>;
}
