// Codeword lengths of three base-4 prefix codes for a histogram. The codewords themselves are made canonically
// from the lengths (prefix-code.ts), so a length per symbol is all a code is, and all a .dna header stores.
//   huffman       the optimum: merge the four least frequent nodes until one is left;
//   shannon-fano  split the symbols, sorted by frequency, into four runs of near-equal probability, recursively;
//   shannon       ℓ = ⌈−log₄ p⌉, the textbook bound H₄ ≤ L < H₄ + 1, as a baseline.
// A one-symbol histogram gets the empty codeword (length 0): the decoder knows the symbol count, so no digit is
// needed, and this is what keeps L < H₄ + 1 at H₄ = 0.
import { checkChoice, checkHistogram, checkLengths } from "./checks.ts";
import type { Histogram } from "./histogram.ts";

/** The base-4 prefix codes: Huffman (optimal), Shannon–Fano, and Shannon (ℓ = ⌈−log₄ p⌉, a baseline). */
export type CodeKind = "huffman" | "shannon-fano" | "shannon";
export const CODE_KINDS: readonly CodeKind[] = ["huffman", "shannon-fano", "shannon"];

/** Symbol → codeword length in nucleotides. */
export type CodeLengths = Map<number, number>;

// Deterministic orders (ties by symbol), so an input always gives the same code in every engine.
const byCountDescending = (h: Histogram) => [...checkHistogram(h)].sort((a, b) => b[1] - a[1] || a[0] - b[0]);

/** Base-4 Huffman: (n − 1) mod 3 = 0 is reached with zero-count dummies, so every merge takes exactly four nodes. */
export function huffmanLengths(h: Histogram): CodeLengths {
  const leaves = byCountDescending(h).reverse();
  if (leaves.length <= 1) return new Map(leaves.map(([s]) => [s, 0]));
  const dummies = (3 - ((leaves.length - 1) % 3)) % 3;
  // Nodes 0..m−1 are the leaves in increasing count (dummies first); merged nodes follow in creation order, which
  // is also increasing weight, so the two queues' heads are always the smallest nodes (the two-queue method).
  const m = leaves.length + dummies;
  const weight = new Float64Array(2 * m);
  const parent = new Int32Array(2 * m);
  for (let i = 0; i < leaves.length; i++) weight[dummies + i] = leaves[i][1];
  let leaf = 0,
    merged = m,
    next = m;
  while (next - merged + (m - leaf) > 1) {
    let w = 0;
    for (let k = 0; k < 4; k++) {
      const child = leaf < m && (merged === next || weight[leaf] <= weight[merged]) ? leaf++ : merged++;
      parent[child] = next;
      w += weight[child];
    }
    weight[next++] = w;
  }
  // Depths top-down: a parent is always created after its children, so walking backwards visits it first.
  const depth = new Int32Array(next);
  for (let node = next - 2; node >= 0; node--) depth[node] = depth[parent[node]] + 1;
  return new Map(leaves.map(([s], i) => [s, depth[dummies + i]]));
}

/**
 * Base-4 Shannon–Fano ("modified Shannon–Fano"): a run of more than four symbols, sorted by decreasing frequency,
 * is cut into four non-empty runs at the prefix sums nearest to 1/4, 2/4 and 3/4 of its total; four symbols or
 * fewer get a digit each. Not optimal, and L < H₄ + 1 is proven only for binary and ternary codes (tested here).
 */
export function shannonFanoLengths(h: Histogram): CodeLengths {
  const sorted = byCountDescending(h);
  const n = sorted.length;
  const lengths: CodeLengths = new Map();
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i] + sorted[i][1];
  // An explicit stack: geometric histograms give one short run and one long one per level, n/3 levels deep.
  const stack: Array<[number, number, number]> = n ? [[0, n, 0]] : [];
  while (stack.length) {
    // depth: the digits every codeword of the run starts with. One symbol owns them; up to four add one each.
    const [lo, hi, depth] = stack.pop()!;
    if (hi - lo <= 4) {
      for (let i = lo; i < hi; i++) lengths.set(sorted[i][0], hi - lo === 1 ? depth : depth + 1);
      continue;
    }
    let start = lo;
    for (let k = 1; k <= 4; k++) {
      const end =
        k === 4 ? hi : nearestCut(prefix, prefix[lo] + (k * (prefix[hi] - prefix[lo])) / 4, start + 1, hi - (4 - k));
      stack.push([start, end, depth + 1]);
      start = end;
    }
  }
  return lengths;
}

/** The index c in [first, last] whose prefix sum is nearest to target (prefix sums increase). */
function nearestCut(prefix: Float64Array, target: number, first: number, last: number): number {
  let a = first,
    b = last;
  while (a < b) {
    const mid = (a + b) >> 1;
    if (prefix[mid] < target) a = mid + 1;
    else b = mid;
  }
  return a > first && target - prefix[a - 1] <= prefix[a] - target ? a - 1 : a;
}

/**
 * Shannon: the least ℓ with 4^−ℓ ≤ p, found in exact arithmetic (count·4^ℓ ≥ total) rather than by a
 * rounded log.
 */
export function shannonLengths(h: Histogram): CodeLengths {
  checkHistogram(h);
  let n = 0;
  for (const c of h.values()) n += c;
  const lengths: CodeLengths = new Map();
  for (const [s, c] of h) {
    let l = 0;
    while (c * 4 ** l < n) l++;
    lengths.set(s, l);
  }
  return lengths;
}

/** The codeword lengths of the `kind` code for a histogram: huffmanLengths, shannonFanoLengths or shannonLengths. */
export function codeLengths(h: Histogram, kind: CodeKind): CodeLengths {
  checkChoice(kind, "kind", CODE_KINDS);
  return kind === "huffman" ? huffmanLengths(h) : kind === "shannon-fano" ? shannonFanoLengths(h) : shannonLengths(h);
}

/** Σ 4^−ℓ: at most 1 for any prefix code (Kraft), 1 for a complete one. */
export function kraftSum(lengths: ReadonlyMap<number, number>): number {
  checkLengths(lengths);
  let sum = 0;
  for (const l of lengths.values()) sum += 4 ** -l;
  return sum;
}
