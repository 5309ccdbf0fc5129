// The exact Euclidean projection onto the ℓ1,∞ ball {Σ_j max_i |X_ij| ≤ η}: the per-group clip levels μ_j.
// X_ij = sign(Y_ij)·min(|Y_ij|, μ_j), where, for the one dual variable θ ≥ 0,
//   μ_j(θ) solves Σ_i (|Y_ij| − μ_j)₊ = θ, or is 0 when ‖y_j‖₁ ≤ θ,   and   M(θ) = Σ_j μ_j(θ) = η.
// With a_1 ≥ a_2 ≥ … the sorted |y_j| and S_k = a_1 + … + a_k, μ_j(θ) = (S_k − θ)/k on the piece
// S_k − k·a_k ≤ θ < S_k − k·a_{k+1}: M is piecewise linear, decreasing and convex (the slopes −Σ 1/k_j
// flatten as θ grows). Newton's method from any θ ≤ θ* (Chu, Zhang, Sun, Tao 2020, semismooth Newton) then
// never overshoots, crosses at least one breakpoint per step, and stops exactly on the root's piece.
//
// A group's values are needed in decreasing order only down to μ_j, and one at a time only near μ_j. So
// each group is bucket-sorted once (on the float bits below its max: 16 steps per octave for 16 octaves, one
// bucket for all below, and the zeros apart, as they never join while the group is active):
// a bucket that joins the piece whole costs O(1), and only the buckets μ_j stops in become max-heaps that
// yield their values one by one. A group costs O(n) plus a few small heaps, not an O(n log n) sort.
import { AXIS_COLUMNS, OK, NON_FINITE, addressOf, isFiniteF64 } from "./layout";
import { lanes, widenLow, widenHigh, horizontalMax, horizontalSum } from "./simd";

const BUCKETS: i32 = 256;
const ZERO_BUCKET: i32 = BUCKETS - 1;
const STEPS_PER_OCTAVE_LOG2: i32 = 4;

// The bisection's evaluations of M at θ (module globals rather than an allocation, as in spans.ts).
// On the piece at θ, M(θ) = A − θ·B with A = Σ_{active j} S_k/k and B = Σ_{active j} 1/k (= −M'(θ⁺)).
let evaluatedIntercept: f64 = 0;
let evaluatedSlope: f64 = 0;

// Per-group state, 6 f64 slots per group: ‖y_j‖₁, S_k, Σ and min of the open heap (the rest of a bucket that
// straddles μ_j), then 4 i32: k, that heap's root and size, the end of its bucket (where the next one starts).
const STATE_SLOTS: i32 = 6;
@inline function l1Norm(state: usize, g: i32): usize { return addressOf<f64>(state, STATE_SLOTS * g); }
@inline function sumAt(state: usize, g: i32): usize { return addressOf<f64>(state, STATE_SLOTS * g + 1); }
@inline function heapSumAt(state: usize, g: i32): usize { return addressOf<f64>(state, STATE_SLOTS * g + 2); }
@inline function heapMinAt(state: usize, g: i32): usize { return addressOf<f64>(state, STATE_SLOTS * g + 3); }
@inline function countAt(state: usize, g: i32): usize { return addressOf<i32>(state, 2 * STATE_SLOTS * g + 8); }
@inline function rootAt(state: usize, g: i32): usize { return addressOf<i32>(state, 2 * STATE_SLOTS * g + 9); }
@inline function heapSizeAt(state: usize, g: i32): usize { return addressOf<i32>(state, 2 * STATE_SLOTS * g + 10); }
@inline function bucketEndAt(state: usize, g: i32): usize { return addressOf<i32>(state, 2 * STATE_SLOTS * g + 11); }

// The iteration runs in phases, driven by src/kernels/exact.ts: the per-group work (l1InfPrepare, l1InfAdvance)
// takes any range of groups, so that the pool can split the groups over its workers, while every sum over the
// groups (l1InfStart, l1InfEvaluate, l1InfLevels) is taken by one thread in group order: the result does not
// depend on how the groups were split.

// Bucket-sorts the groups first … last − 1 of Y (|y_j| into `values`, `length` T per group) and resets their state,
// from the group maxima `maxima` (‖y_j‖∞, f64 per group). ‖y_j‖₁, which decides when a group leaves the active set,
// is summed on the way (an overflowed sum is reported like NaN). Scratch: `counts` 256 i32 followed by
// length·(sizeof T + 1) bytes for the sort's spill; `state` 6 f64 per group. The data must be finite.
export function l1InfPrepare<T>(y: usize, rows: i32, cols: i32, axis: i32, first: i32, last: i32, maxima: usize, state: usize, values: usize, counts: usize): i32 {
  const columns = axis == AXIS_COLUMNS;
  const length = columns ? rows : cols;
  for (let g = first; g < last; g++) {
    const top = load<f64>(addressOf<f64>(maxima, g));
    const norm = bucketSort<T>(addressOf<T>(y, columns ? g : g * cols), length, columns ? cols : 1, top, addressOf<T>(values, g * length), counts, counts + (<usize>BUCKETS << 2));
    if (!isFiniteF64(norm)) return NON_FINITE;
    store<f64>(l1Norm(state, g), norm);
    store<f64>(sumAt(state, g), 0);
    store<i32>(countAt(state, g), 0);
    store<i32>(rootAt(state, g), 0);
    store<i32>(heapSizeAt(state, g), 0);
    store<i32>(bucketEndAt(state, g), 0);
  }
  return OK;
}

// M(θ) = A − θ·B on the pieces the groups were advanced to: A and B into piece[0], piece[1], summed in group
// order; returns the number of active groups (‖y_j‖₁ > θ).
export function l1InfEvaluate(groups: i32, state: usize, theta: f64, piece: usize): i32 {
  let total: f64 = 0;
  let slope: f64 = 0;
  let active = 0;
  for (let g = 0; g < groups; g++) {
    if (theta >= load<f64>(l1Norm(state, g))) continue;
    const k = <f64>load<i32>(countAt(state, g));
    total += load<f64>(sumAt(state, g)) / k;
    slope += 1 / k;
    active++;
  }
  store<f64>(piece, total);
  store<f64>(piece, slope, 8);
  return active;
}

// A θ ≤ θ* that skips most Newton steps on dense data: μ_j(θ) ≥ max(a_1 − θ, (‖y_j‖₁ − θ)/n, 0) (the pieces of
// k = 1 and k = n, extended), so the root of their sum lies left of θ*. Newton from 0 on that convex sum never
// overshoots either, so stopping after any step is safe.
export function l1InfStart(groups: i32, length: i32, eta: f64, maxima: usize, state: usize): f64 {
  let theta: f64 = 0;
  for (let step = 0; step < 64; step++) {
    let total: f64 = 0;
    let slope: f64 = 0;
    for (let g = 0; g < groups; g++) {
      const top = load<f64>(addressOf<f64>(maxima, g)) - theta;
      const spread = (load<f64>(l1Norm(state, g)) - theta) / <f64>length;
      if (top >= spread && top > 0) {
        total += top;
        slope += 1;
      } else if (spread > 0) {
        total += spread;
        slope += 1 / <f64>length;
      }
    }
    if (total <= eta) break;
    const next = theta + (total - eta) / slope;
    if (!(next > theta)) break;
    theta = next;
  }
  return theta;
}

// |y| of one strided group into `group`, in decreasing bucket order (a counting sort); returns Σ|y| (summed in
// index order: for column groups, the order and so the bits of the column sums of groups.ts). The first pass
// keeps each value and its bucket in `spill` (length T, then length bytes), so the second reads them contiguously.
function bucketSort<T>(y: usize, length: i32, stride: i32, top: f64, group: usize, counts: usize, spill: usize): f64 {
  memory.fill(counts, 0, <usize>BUCKETS << 2);
  const topBits = bitsOf<T>(<T>top);
  const keys = addressOf<T>(spill, length);
  let norm: f64 = 0;
  for (let i = 0; i < length; i++) {
    const value = abs<T>(load<T>(addressOf<T>(y, i * stride)));
    norm += <f64>value;
    const key = bucketOf<T>(value, topBits);
    store<T>(addressOf<T>(spill, i), value);
    store<u8>(keys + <usize>i, <u8>key);
    const slot = addressOf<i32>(counts, key);
    store<i32>(slot, load<i32>(slot) + 1);
  }
  let start = 0;
  for (let b = 0; b < BUCKETS; b++) {
    const slot = addressOf<i32>(counts, b);
    const size = load<i32>(slot);
    store<i32>(slot, start);
    start += size;
  }
  for (let i = 0; i < length; i++) {
    const slot = addressOf<i32>(counts, <i32>load<u8>(keys + <usize>i));
    const position = load<i32>(slot);
    store<T>(addressOf<T>(group, position), load<T>(addressOf<T>(spill, i)));
    store<i32>(slot, position + 1);
  }
  return norm;
}

// For 0 ≤ value ≤ top, the bit patterns order like the values: the gap, in 1/16 octaves, is the bucket.
@inline function bitsOf<T>(value: T): u64 {
  return sizeof<T>() == 4 ? <u64>reinterpret<u32>(<f32>value) : reinterpret<u64>(<f64>value);
}

@inline function bucketOf<T>(value: T, topBits: u64): i32 {
  const shift: u64 = sizeof<T>() == 4 ? 23 - STEPS_PER_OCTAVE_LOG2 : 52 - STEPS_PER_OCTAVE_LOG2;
  if (value == 0) return ZERO_BUCKET;
  return <i32>min<u64>((topBits - bitsOf<T>(value)) >> shift, ZERO_BUCKET - 1);
}

// Every value of buckets 0 … `bucket` is above this floor, every value of the later buckets at or below it
// (the floor of the last nonzero bucket is 0).
@inline function bucketFloor<T>(bucket: i32, topBits: u64): T {
  const shift: u64 = sizeof<T>() == 4 ? 23 - STEPS_PER_OCTAVE_LOG2 : 52 - STEPS_PER_OCTAVE_LOG2;
  const span = (<u64>bucket + 1) << shift;
  if (bucket >= ZERO_BUCKET - 1 || span > topBits) return <T>0;
  return sizeof<T>() == 4 ? <T>reinterpret<f32>(<u32>(topBits - span)) : <T>reinterpret<f64>(topBits - span);
}

// Σ and min of the values from `start` on that are above `floor` (into scannedSum, scannedMin), in one SIMD
// sweep; returns where they end.
let scannedSum: f64 = 0;
let scannedMin: f64 = 0;
function bucketEnd<T>(group: usize, start: i32, length: i32, floor: T): i32 {
  const bound = v128.splat<T>(floor);
  let sum = f64x2.splat(0);
  let smallest = v128.splat<T>(<T>Infinity);
  let end = start;
  for (; end + lanes<T>() <= length; end += lanes<T>()) {
    const v = v128.load(addressOf<T>(group, end));
    const above = v128.gt<T>(v, bound);
    if (sizeof<T>() == 4 ? !i32x4.all_true(above) : !i64x2.all_true(above)) break;
    sum = f64x2.add(sum, widenLow<T>(v));
    if (sizeof<T>() == 4) sum = f64x2.add(sum, widenHigh<T>(v));
    smallest = v128.min<T>(smallest, v);
  }
  let total = horizontalSum(sum);
  let least = -horizontalMax<T>(v128.neg<T>(smallest));
  for (; end < length; end++) {
    const value = load<T>(addressOf<T>(group, end));
    if (!(value > floor)) break;
    total += <f64>value;
    least = min(least, <f64>value);
  }
  scannedSum = total;
  scannedMin = least;
  return end;
}

// Brings the groups first … last − 1 to their pieces at θ ≥ all earlier θ: a_{k+1} joins when S_k − k·a_{k+1} ≤ θ.
// Returns whether any value joined.
export function l1InfAdvance<T>(values: usize, length: i32, first: i32, last: i32, maxima: usize, state: usize, theta: f64): bool {
  let joined = false;
  for (let g = first; g < last; g++) {
    if (theta >= load<f64>(l1Norm(state, g))) continue;
    const group = addressOf<T>(values, g * length);
    let s = load<f64>(sumAt(state, g));
    const k0 = load<i32>(countAt(state, g));
    let k = k0;
    let root = load<i32>(rootAt(state, g));
    let size = load<i32>(heapSizeAt(state, g));
    let heapSum = load<f64>(heapSumAt(state, g));
    let heapMin = load<f64>(heapMinAt(state, g));
    let end = load<i32>(bucketEndAt(state, g));
    let reach = 1;
    while (true) {
      if (size > 0) {
        // Inside a bucket that straddles μ_j: its rest whole when its smallest value joins, else one by one.
        if (s + heapSum - <f64>(k + size) * heapMin <= theta) {
          s += heapSum;
          k += size;
          size = 0;
          continue;
        }
        const heap = addressOf<T>(group, root);
        const top = <f64>load<T>(heap);
        if (s - <f64>k * top > theta) break;
        s += top;
        heapSum -= top;
        k++;
        popMax<T>(heap, size);
        size--;
        continue;
      }
      if (end >= length) break;
      // The next `reach` buckets join whole when their smallest value does (the breakpoints S_k − k·a_k grow
      // with k). Galloping: the reach doubles while whole runs join, and shrinks back to one bucket, which
      // becomes the open heap, when they do not.
      const start = end;
      const topBits = bitsOf<T>(<T>load<f64>(addressOf<f64>(maxima, g)));
      const last = bucketOf<T>(load<T>(addressOf<T>(group, start)), topBits) + reach - 1;
      end = bucketEnd<T>(group, start, length, bucketFloor<T>(last, topBits));
      const members = end - start;
      if (members == 0) break; // only zeros are left
      if (s + scannedSum - <f64>(k + members) * scannedMin <= theta) {
        s += scannedSum;
        k += members;
        reach <<= 1;
      } else if (reach > 1) {
        end = start;
        reach = 1;
      } else {
        root = start;
        size = members;
        heapSum = scannedSum;
        heapMin = scannedMin;
        heapify<T>(addressOf<T>(group, root), size);
      }
    }
    if (k != k0) {
      joined = true;
      store<f64>(sumAt(state, g), s);
      store<i32>(countAt(state, g), k);
    }
    store<i32>(rootAt(state, g), root);
    store<i32>(heapSizeAt(state, g), size);
    store<f64>(heapSumAt(state, g), heapSum);
    store<f64>(heapMinAt(state, g), heapMin);
    store<i32>(bucketEndAt(state, g), end);
  }
  return joined;
}

// The safeguard for slow Newton runs: sort every group (heapsort: a_r lands r-th from the end), bisect θ
// between the last Newton iterate (M ≥ η) and max_j ‖y_j‖₁ (M = 0), then solve the piece at the lower end.
// At most ~1100 halvings reach adjacent f64 values; each evaluation costs O(Σ_j k_j).
export function l1InfBisect<T>(values: usize, length: i32, groups: i32, state: usize, theta: f64, eta: f64, mu: usize): void {
  let hi: f64 = 0;
  for (let g = 0; g < groups; g++) {
    const group = addressOf<T>(values, g * length);
    heapify<T>(group, length);
    for (let size = length; size > 1; size--) popMax<T>(group, size);
    hi = max(hi, load<f64>(l1Norm(state, g)));
  }
  let lo = theta;
  for (let halving = 0; halving < 1100; halving++) {
    const mid = lo + (hi - lo) * 0.5;
    if (!(mid > lo && mid < hi)) break;
    rescan<T>(values, length, groups, state, mid);
    if (evaluatedIntercept - mid * evaluatedSlope >= eta) lo = mid;
    else hi = mid;
  }
  rescan<T>(values, length, groups, state, lo);
  const root = evaluatedSlope > 0 ? min(hi, (evaluatedIntercept - eta) / evaluatedSlope) : lo;
  l1InfLevels(groups, state, lo, root, mu);
}

// The piece at any θ, counted afresh from the sorted groups.
function rescan<T>(values: usize, length: i32, groups: i32, state: usize, theta: f64): void {
  let total: f64 = 0;
  let slope: f64 = 0;
  for (let g = 0; g < groups; g++) {
    if (theta >= load<f64>(l1Norm(state, g))) continue;
    const sorted = addressOf<T>(values, g * length);
    let s: f64 = 0;
    let k = 0;
    while (k < length) {
      const next = <f64>load<T>(addressOf<T>(sorted, length - 1 - k));
      if (s - <f64>k * next > theta) break;
      s += next;
      k++;
    }
    store<f64>(sumAt(state, g), s);
    store<i32>(countAt(state, g), k);
    total += s / <f64>k;
    slope += 1 / <f64>k;
  }
  evaluatedIntercept = total;
  evaluatedSlope = slope;
}

// μ_j = (S_k − θ*)/k on each group's piece at θ, 0 for the groups whose whole ℓ1 mass is within θ.
export function l1InfLevels(groups: i32, state: usize, theta: f64, root: f64, mu: usize): void {
  for (let g = 0; g < groups; g++) {
    let level: f64 = 0;
    if (theta < load<f64>(l1Norm(state, g))) {
      level = max((load<f64>(sumAt(state, g)) - root) / <f64>load<i32>(countAt(state, g)), 0);
    }
    store<f64>(addressOf<f64>(mu, g), level);
  }
}

// A binary max-heap in place over heap[0 .. size).
function heapify<T>(heap: usize, size: i32): void {
  for (let i = (size >> 1) - 1; i >= 0; i--) siftDown<T>(heap, i, size, load<T>(addressOf<T>(heap, i)));
}

// Moves the maximum to heap[size − 1] (heapsort's order, so a drained heap is sorted ascending).
@inline function popMax<T>(heap: usize, size: i32): void {
  const last = load<T>(addressOf<T>(heap, size - 1));
  store<T>(addressOf<T>(heap, size - 1), load<T>(heap));
  siftDown<T>(heap, 0, size - 1, last);
}

// Places `value` at the hole i, moving larger children up.
@inline function siftDown<T>(heap: usize, i: i32, size: i32, value: T): void {
  while (true) {
    let child = 2 * i + 1;
    if (child >= size) break;
    let larger = load<T>(addressOf<T>(heap, child));
    if (child + 1 < size) {
      const right = load<T>(addressOf<T>(heap, child + 1));
      if (right > larger) {
        larger = right;
        child++;
      }
    }
    if (larger <= value) break;
    store<T>(addressOf<T>(heap, i), larger);
    i = child;
  }
  store<T>(addressOf<T>(heap, i), value);
}
