// Mean silhouette of labelled points under the Euclidean distance, as scikit-learn's silhouette_score: how well
// the classes separate in a latent space, without a classifier.
import { describeValue } from "../args.ts";
import type { Labels } from "./classification.ts";
import { checkPoints, type Points } from "./pca.ts";

/** Cluster index (0..clusters−1) of each sample and the number of clusters, for labels that may be any integers. */
function compactLabels(labels: unknown, n: number): [Int32Array, number] {
  if (!(labels instanceof Int32Array) && !Array.isArray(labels)) {
    throw new TypeError(`labels must be an Int32Array or an array of integers; got ${describeValue(labels)}`);
  }
  if (labels.length !== n) throw new RangeError(`labels must have one label per point (${n}); got ${labels.length}`);
  const ids = new Map<number, number>();
  const cluster = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const label: unknown = labels[i];
    if (typeof label !== "number") throw new TypeError(`labels[${i}] must be a number; got ${describeValue(label)}`);
    if (!Number.isSafeInteger(label)) throw new RangeError(`labels[${i}] must be an integer; got ${label}`);
    if (!ids.has(label)) ids.set(label, ids.size);
    cluster[i] = ids.get(label)!;
  }
  return [cluster, ids.size];
}

/**
 * Mean over the points of (b − a) / max(a, b), where a is the mean distance to the other points of the point's own
 * cluster and b the smallest mean distance to another cluster. As scikit-learn, a point alone in its cluster scores
 * 0, as does one with a = b = 0 (duplicates), and the number of distinct labels must lie in 2..n−1.
 * Costs n²·d / 2 distance operations and n × clusters sums of memory.
 */
export function silhouetteScore(points: Points, d: number, labels: Labels): number {
  const n = checkPoints(points, d);
  const [cluster, clusters] = compactLabels(labels, n);
  if (clusters < 2 || clusters > n - 1) {
    throw new RangeError(`labels must name between 2 and n − 1 = ${n - 1} distinct clusters; got ${clusters}`);
  }
  const size = new Float64Array(clusters);
  for (let i = 0; i < n; i++) size[cluster[i]]++;
  // distanceSum[i·clusters + c] = Σ over the points j of cluster c of ‖x_i − x_j‖; each pair is measured once.
  const distanceSum = new Float64Array(n * clusters);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let squared = 0;
      for (let k = 0; k < d; k++) {
        const diff = points[i * d + k] - points[j * d + k];
        squared += diff * diff;
      }
      const distance = Math.sqrt(squared);
      distanceSum[i * clusters + cluster[j]] += distance;
      distanceSum[j * clusters + cluster[i]] += distance;
    }
  }
  let total = 0;
  for (let i = 0; i < n; i++) {
    const own = cluster[i];
    if (size[own] === 1) continue;
    const a = distanceSum[i * clusters + own] / (size[own] - 1);
    let b = Infinity;
    for (let c = 0; c < clusters; c++) if (c !== own) b = Math.min(b, distanceSum[i * clusters + c] / size[c]);
    const scale = Math.max(a, b);
    if (scale > 0) total += (b - a) / scale;
  }
  return total / n;
}
