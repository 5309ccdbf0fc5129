// SAEModel.compact(): the supervised autoencoder without the features, hidden units and decoder outputs its weights
// no longer use (nn.compact on the encoder and on the decoder). The kept input features are the panel: the compact
// model reads only them, its preprocessing restricted to them, and its decoder reconstructs only them.
import { MirroredAutoencoder } from "../nn/autoencoder.ts";
import { compact } from "../nn/compact.ts";
import type { StateDict } from "../nn/module.ts";
import { Generator } from "../random.ts";
import type { SAEInfo } from "./model.ts";
import type { Imputation, Preprocessing } from "./preprocess.ts";

/**
 * How a compact model (SAEModel.compact()) was made from its full model; saved with it (`model.compact`).
 * @inline
 */
export interface SAECompaction {
  /** False when nothing could be removed (a model without projection): the compact model equals the full one. */
  changed: boolean;
  /** The full model's input features; featureNames (the panel) are those kept. */
  sourceFeatures: number;
  /** The compact encoder's hidden sizes, first to last (options.hidden before compaction). */
  encoder: number[];
  /** The compact decoder's hidden sizes, first to last (options.hidden reversed before compaction). */
  decoder: number[];
}

/** The preprocessing of the kept features (`panel`: indices into the model's features). */
function restrict(p: Preprocessing, panel: number[]): Preprocessing {
  const pick = <T>(values: T[]) => panel.map((j) => values[j]);
  const out: Preprocessing = { log: p.log, mean: p.mean && pick(p.mean), std: p.std && pick(p.std) };
  const imp = p.imputation;
  if (!imp) return out;
  // Features dropped for missingness are never in the panel (their input is 0 for every row).
  const imputation: Imputation = { method: imp.method, dropped: [], values: pick(imp.values) };
  if (imp.k !== undefined) imputation.k = imp.k;
  if (imp.scale) imputation.scale = pick(imp.scale);
  if (imp.rows) imputation.rows = imp.rows.map(pick);
  return { ...out, imputation };
}

/** The compact network and info of a model (net, info); the model is not modified. @internal */
export function compactParts(
  net: MirroredAutoencoder,
  info: SAEInfo,
): { net: MirroredAutoencoder; info: SAEInfo & { compact: SAECompaction } } {
  const d = info.featureNames.length;
  // A feature dropped for missingness enters as the constant 0 (0 under the log, and 0 once z-scored: its training
  // column is all 0), so its weights add nothing and it can leave the panel.
  const dropped = new Set(info.preprocessing.imputation?.dropped ?? []);
  const candidates = Array.from({ length: d }, (_, j) => j).filter((j) => !dropped.has(j));
  const encoder = compact(net.encoder, { inputs: candidates.length ? candidates : "used" });
  const panel = encoder.inputs;
  const decoder = compact(net.decoder, { inputs: "all", outputs: panel });
  try {
    const sizes = (kept: number[][]) => kept.slice(0, -1).map((units) => units.length);
    const [encoderHidden, decoderHidden] = [sizes(encoder.kept), sizes(decoder.kept)];
    const k = info.classes.length;
    const activation = info.options.activation;
    const made = new MirroredAutoencoder(panel.length, encoderHidden, k, activation, new Generator(0), decoderHidden);
    const state: StateDict = {};
    for (const [part, compacted] of [
      ["encoder", encoder],
      ["decoder", decoder],
    ] as const) {
      for (const [key, entry] of Object.entries(compacted.module.stateDict())) state[`${part}.${key}`] = entry;
    }
    made.loadStateDict(state);
    const compaction: SAECompaction = {
      changed: encoder.changed || decoder.changed,
      sourceFeatures: info.compact?.sourceFeatures ?? d,
      encoder: encoderHidden,
      decoder: decoderHidden,
    };
    return {
      net: made,
      info: {
        ...info,
        featureNames: panel.map((j) => info.featureNames[j]),
        preprocessing: restrict(info.preprocessing, panel),
        compact: compaction,
      },
    };
  } finally {
    encoder.module.dispose();
    decoder.module.dispose();
  }
}
