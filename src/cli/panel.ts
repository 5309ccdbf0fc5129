// What `sparseproj sae` writes for the model it keeps: model.json, compact unless --full-model (the selected
// features are its panel, the only columns `predict` then needs), and panel.csv, the panel with how often
// cross-validation selected each feature.
import type { CrossValidationResult } from "../sae/cross-validate.ts";
import type { SAEModel } from "../sae/model.ts";
import { csv } from "./output.ts";

/** A setting as `sae` compares them: projection, radius, and top-k's keep. */
interface SettingLike {
  projection: string;
  radius: unknown;
  keep?: number;
}

/** The model's JSON text: the compact model unless `fullModel`. */
export function savedModel(model: SAEModel, fullModel = false): string {
  if (fullModel) return `${JSON.stringify(model)}\n`;
  const small = model.compact();
  try {
    return `${JSON.stringify(small)}\n`;
  } finally {
    small.dispose();
  }
}

/**
 * panel.csv: the model's selected features strongest first (rank 1 = largest first-layer column norm; score is that
 * norm over the largest), with the share of cross-validation runs of the same setting that selected each one and its
 * mean score over those runs (0 where no run selected it).
 */
export function panelCsv(model: SAEModel, cv: CrossValidationResult | undefined): string {
  const chosen = new Map((cv?.selection ?? []).map((f) => [f.name, f]));
  const rows = model.selectedFeatures().map((f, rank) => {
    const seen = chosen.get(f.name);
    return [f.name, rank + 1, f.score, seen?.frequency ?? 0, seen?.meanScore ?? 0];
  });
  return csv(["feature", "rank", "score", "selection_frequency", "mean_score"], rows);
}

/** model.json and panel.csv for `--out`; `results[i]` is the cross-validation of `settings[i]`. */
export function modelFiles(
  model: SAEModel,
  chosen: SettingLike,
  settings: SettingLike[],
  results: CrossValidationResult[],
  fullModel = false,
): Array<{ name: string; content: string }> {
  const same = (s: SettingLike) =>
    s.projection === chosen.projection && s.radius === chosen.radius && s.keep === chosen.keep;
  return [
    { name: "model.json", content: savedModel(model, fullModel) },
    { name: "panel.csv", content: panelCsv(model, results[settings.findIndex(same)]) },
  ];
}
