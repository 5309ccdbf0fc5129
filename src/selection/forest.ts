// Random-forest impurity importance (Breiman 2001; scikit-learn's RandomForestClassifier.feature_importances_):
// bootstrap samples, CART trees grown to purity on the Gini index, √d candidate features per split; a feature's
// importance is the weighted Gini decrease of its splits, normalised per tree and averaged over the trees.
// Written here rather than taken from ml-random-forest, whose trees take no seeded generator of ours, report no
// impurity importance of the kind scikit-learn's reference reports, and would be a new dependency of the core.
import { Generator } from "../random.ts";
import { classCounts, type LabelledMatrix } from "./univariate.ts";

/** forestImportance's options: the trees, the candidate features per split, the seed. */
export interface ForestOptions {
  /** Trees (default 100, scikit-learn's). */
  trees?: number;
  /** Candidate features per split: a count, or 'sqrt' (default: max(1, ⌊√d⌋), as scikit-learn). */
  maxFeatures?: number | "sqrt";
  /** Seeds the bootstrap draws and the candidate features (default 0). */
  seed?: number;
}

/** Weighted Gini impurity × weight of a class-count vector: N · (1 − Σ (n_c / N)²) = N − Σ n_c² / N. */
function giniMass(counts: Float64Array, total: number): number {
  if (total <= 0) return 0;
  let s = 0;
  for (let c = 0; c < counts.length; c++) s += counts[c] * counts[c];
  return total - s / total;
}

/**
 * Each feature's mean decrease in impurity over a seeded random forest, summing to 1 (all zeros when no tree could
 * split: every feature constant, or one class in every bootstrap sample).
 */
export function forestImportance(m: LabelledMatrix, options: ForestOptions = {}): Float64Array {
  classCounts(m, "forestImportance");
  const { trees = 100, maxFeatures = "sqrt", seed = 0 } = options;
  if (!Number.isSafeInteger(trees) || trees < 1)
    throw new RangeError(`forestImportance: options.trees must be a positive integer; got ${trees}`);
  const { x, n, d, y, classes } = m;
  const mtry = maxFeatures === "sqrt" ? Math.max(1, Math.floor(Math.sqrt(d))) : maxFeatures;
  if (!Number.isSafeInteger(mtry) || mtry < 1 || mtry > d)
    throw new RangeError(`forestImportance: options.maxFeatures must be 'sqrt' or an integer in 1..${d}`);
  const generator = new Generator(seed);
  const total = new Float64Array(d);
  const perTree = new Float64Array(d);
  const weight = new Float64Array(n);
  const features = Int32Array.from({ length: d }, (_, j) => j);
  const left = new Float64Array(classes),
    right = new Float64Array(classes),
    node = new Float64Array(classes);
  let grown = 0;
  for (let t = 0; t < trees; t++) {
    weight.fill(0);
    for (let i = 0; i < n; i++) weight[generator.int(n)]++;
    const rows = Int32Array.from({ length: n }, (_, i) => i).filter((i) => weight[i] > 0);
    perTree.fill(0);
    let splits = 0;
    // Nodes as [start, end) ranges of `rows`, grown depth-first from an explicit stack.
    const stack: Array<[number, number]> = [[0, rows.length]];
    while (stack.length) {
      const [start, end] = stack.pop()!;
      node.fill(0);
      let mass = 0;
      for (let r = start; r < end; r++) {
        node[y[rows[r]]] += weight[rows[r]];
        mass += weight[rows[r]];
      }
      const impurity = giniMass(node, mass);
      if (impurity <= 1e-12 * mass || end - start < 2) continue;
      let best = { gain: 0, feature: -1, threshold: 0 };
      let visited = 0;
      // A random order of the features; the search stops after mtry non-constant ones, or later if none split.
      for (let f = 0; f < d && (visited < mtry || best.feature < 0); f++) {
        const pick = f + generator.int(d - f);
        [features[f], features[pick]] = [features[pick], features[f]];
        const j = features[f];
        const segment = rows.subarray(start, end);
        segment.sort((a, b) => x[a * d + j] - x[b * d + j]);
        if (x[segment[0] * d + j] === x[segment[segment.length - 1] * d + j]) continue;
        visited++;
        left.fill(0);
        right.set(node);
        let leftMass = 0;
        for (let r = 0; r < segment.length - 1; r++) {
          const i = segment[r];
          left[y[i]] += weight[i];
          right[y[i]] -= weight[i];
          leftMass += weight[i];
          const here = x[i * d + j],
            after = x[segment[r + 1] * d + j];
          if (here === after) continue;
          const gain = impurity - giniMass(left, leftMass) - giniMass(right, mass - leftMass);
          if (gain > best.gain + 1e-12 * mass) best = { gain, feature: j, threshold: here / 2 + after / 2 };
        }
      }
      if (best.feature < 0) continue;
      perTree[best.feature] += best.gain;
      splits++;
      // Partition the node's rows about the threshold (their order inside each child does not matter).
      const j = best.feature;
      let mid = start;
      for (let r = start; r < end; r++) {
        if (x[rows[r] * d + j] <= best.threshold) {
          [rows[r], rows[mid]] = [rows[mid], rows[r]];
          mid++;
        }
      }
      stack.push([mid, end], [start, mid]);
    }
    if (!splits) continue;
    let sum = 0;
    for (let j = 0; j < d; j++) sum += perTree[j];
    for (let j = 0; j < d; j++) total[j] += perTree[j] / sum;
    grown++;
  }
  if (grown) {
    let sum = 0;
    for (let j = 0; j < d; j++) sum += total[j];
    for (let j = 0; j < d; j++) total[j] /= sum;
  }
  return total;
}
