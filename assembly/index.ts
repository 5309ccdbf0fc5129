// The module's exports: each kernel instantiated for f32 and f64, plus the heap the TypeScript side manages.
// Pointers are byte offsets into the module memory; every buffer a kernel touches is passed in.
import { projectL1Ball, projectSimplex } from "./l1ball";
import { projectL2Ball, projectLInfBall } from "./balls";
import { groupPartials, stableGroupNorms2, applyBilevel, groupThresholds, applyThresholds } from "./groups";
import { firstNonFinite } from "./spans";

export function l1Ball_f32(y: usize, n: i32, a: f64, out: usize, aux: usize): i32 { return projectL1Ball<f32>(y, n, a, out, aux); }
export function l1Ball_f64(y: usize, n: i32, a: f64, out: usize, aux: usize): i32 { return projectL1Ball<f64>(y, n, a, out, aux); }
export function simplex_f32(y: usize, n: i32, a: f64, out: usize, aux: usize): i32 { return projectSimplex<f32>(y, n, a, out, aux); }
export function simplex_f64(y: usize, n: i32, a: f64, out: usize, aux: usize): i32 { return projectSimplex<f64>(y, n, a, out, aux); }
export function l2Ball_f32(y: usize, n: i32, a: f64, out: usize): i32 { return projectL2Ball<f32>(y, n, a, out); }
export function l2Ball_f64(y: usize, n: i32, a: f64, out: usize): i32 { return projectL2Ball<f64>(y, n, a, out); }
export function lInfBall_f32(y: usize, n: i32, a: f64, out: usize): i32 { return projectLInfBall<f32>(y, n, a, out); }
export function lInfBall_f64(y: usize, n: i32, a: f64, out: usize): i32 { return projectLInfBall<f64>(y, n, a, out); }

// The bilevel stages on the grouped view [outer, groups, inner] (layout.ts); a matrix is [rows, cols, 1] (column
// groups) or [1, rows, cols] (row groups). The *Elements functions size the buffers the stages need.
export function groupPartials_f32(y: usize, outer: i32, groups: i32, inner: i32, kind: i32, partial: usize): i32 { return groupPartials<f32>(y, outer, groups, inner, kind, partial); }
export function groupPartials_f64(y: usize, outer: i32, groups: i32, inner: i32, kind: i32, partial: usize): i32 { return groupPartials<f64>(y, outer, groups, inner, kind, partial); }
export function stableGroupNorms2_f32(y: usize, outer: i32, groups: i32, inner: i32, norms: usize): void { stableGroupNorms2<f32>(y, outer, groups, inner, norms); }
export function stableGroupNorms2_f64(y: usize, outer: i32, groups: i32, inner: i32, norms: usize): void { stableGroupNorms2<f64>(y, outer, groups, inner, norms); }
export function applyBilevel_f32(y: usize, outer: i32, groups: i32, inner: i32, kind: i32, u: usize, norms: usize, out: usize, aux: usize): void { applyBilevel<f32>(y, outer, groups, inner, kind, u, norms, out, aux); }
export function applyBilevel_f64(y: usize, outer: i32, groups: i32, inner: i32, kind: i32, u: usize, norms: usize, out: usize, aux: usize): void { applyBilevel<f64>(y, outer, groups, inner, kind, u, norms, out, aux); }
export function groupThresholds_f32(y: usize, outer: i32, groups: i32, inner: i32, kind: i32, u: usize, norms: usize, first: i32, last: i32, thresholds: usize, candidates: usize): void { groupThresholds<f32>(y, outer, groups, inner, kind, u, norms, first, last, thresholds, candidates); }
export function groupThresholds_f64(y: usize, outer: i32, groups: i32, inner: i32, kind: i32, u: usize, norms: usize, first: i32, last: i32, thresholds: usize, candidates: usize): void { groupThresholds<f64>(y, outer, groups, inner, kind, u, norms, first, last, thresholds, candidates); }
export function applyThresholds_f32(y: usize, outer: i32, groups: i32, inner: i32, kind: i32, thresholds: usize, out: usize, scratch: usize): void { applyThresholds<f32>(y, outer, groups, inner, kind, thresholds, out, scratch); }
export function applyThresholds_f64(y: usize, outer: i32, groups: i32, inner: i32, kind: i32, thresholds: usize, out: usize, scratch: usize): void { applyThresholds<f64>(y, outer, groups, inner, kind, thresholds, out, scratch); }
export { partialElements, applyScratchElements } from "./groups";

export function firstNonFinite_f32(y: usize, n: i32): i32 { return firstNonFinite<f32>(y, n); }
export function firstNonFinite_f64(y: usize, n: i32): i32 { return firstNonFinite<f64>(y, n); }

// memory.copy of the same bytes: the physical floor the benchmarks compare against.
export function copyBytes(dst: usize, src: usize, bytes: usize): void { memory.copy(dst, src, bytes); }

// The TLSF heap of the AssemblyScript runtime; blocks are 16-byte aligned, as v128 loads like.
export function alloc(bytes: usize): usize { return heap.alloc(bytes); }
export function release(ptr: usize): void { heap.free(ptr); }

// The exact ℓ1,∞ projection's clip levels μ_j in phases (assembly/exact.ts, driven by src/kernels/exact.ts); the
// clip itself is applyBilevel with KIND_INF.
import { l1InfPrepare, l1InfStart, l1InfAdvance, l1InfEvaluate, l1InfLevels, l1InfBisect } from "./exact";
export { l1InfStart, l1InfEvaluate, l1InfLevels };
export function l1InfPrepare_f32(y: usize, rows: i32, cols: i32, axis: i32, first: i32, last: i32, maxima: usize, state: usize, values: usize, counts: usize): i32 { return l1InfPrepare<f32>(y, rows, cols, axis, first, last, maxima, state, values, counts); }
export function l1InfPrepare_f64(y: usize, rows: i32, cols: i32, axis: i32, first: i32, last: i32, maxima: usize, state: usize, values: usize, counts: usize): i32 { return l1InfPrepare<f64>(y, rows, cols, axis, first, last, maxima, state, values, counts); }
export function l1InfAdvance_f32(values: usize, length: i32, first: i32, last: i32, maxima: usize, state: usize, theta: f64): bool { return l1InfAdvance<f32>(values, length, first, last, maxima, state, theta); }
export function l1InfAdvance_f64(values: usize, length: i32, first: i32, last: i32, maxima: usize, state: usize, theta: f64): bool { return l1InfAdvance<f64>(values, length, first, last, maxima, state, theta); }
export function l1InfBisect_f32(values: usize, length: i32, groups: i32, state: usize, theta: f64, eta: f64, mu: usize): void { l1InfBisect<f32>(values, length, groups, state, theta, eta, mu); }
export function l1InfBisect_f64(values: usize, length: i32, groups: i32, state: usize, theta: f64, eta: f64, mu: usize): void { l1InfBisect<f64>(values, length, groups, state, theta, eta, mu); }

// The autograd's kernel vocabulary (f32): elementwise ops and reductions, losses, optimizer steps.
export { unary, unaryGrad, binary, scaleAdd, sumRows, sumCols, sumAll, gatherRows, fill } from "./elementwise";
export { crossEntropy, crossEntropyGrad, pointwiseLoss, pointwiseLossGrad } from "./losses";
export { huberEnergy, huberEnergyGrad } from "./energy";
export { adamStep, sgdStep } from "./optimizers";
export { matmulNN, matmulTN, matmulNT, matmulRows } from "./matmul";

// The weighted ℓ1 ball (assembly/weighted.ts) and the trilevel projections of 3-D tensors (assembly/trilevel.ts).
import { projectWeightedL1Ball } from "./weighted";
import { trilevelNorms, trilevel } from "./trilevel";
export function weightedL1Ball_f32(y: usize, w: usize, n: i32, eta: f64, out: usize, aux: usize): i32 { return projectWeightedL1Ball<f32>(y, w, n, eta, out, aux); }
export function weightedL1Ball_f64(y: usize, w: usize, n: i32, eta: f64, out: usize, aux: usize): i32 { return projectWeightedL1Ball<f64>(y, w, n, eta, out, aux); }
export function trilevelNorms_f32(y: usize, a: i32, b: i32, c: i32, kind: i32, fibreNorms: usize, groupNorms: usize): i32 { return trilevelNorms<f32>(y, a, b, c, kind, fibreNorms, groupNorms); }
export function trilevelNorms_f64(y: usize, a: i32, b: i32, c: i32, kind: i32, fibreNorms: usize, groupNorms: usize): i32 { return trilevelNorms<f64>(y, a, b, c, kind, fibreNorms, groupNorms); }
export function trilevel_f32(y: usize, a: i32, b: i32, c: i32, kind: i32, eta: f64, out: usize, norms: usize, aux: usize): i32 { return trilevel<f32>(y, a, b, c, kind, eta, out, norms, aux); }
export function trilevel_f64(y: usize, a: i32, b: i32, c: i32, kind: i32, eta: f64, out: usize, norms: usize, aux: usize): i32 { return trilevel<f64>(y, a, b, c, kind, eta, out, norms, aux); }
export { im2col, col2im, upsampleNearest, upsampleNearestGrad, convForward, convForwardDirect, convInputGrad, convWeightGrad, convWeightGradDirect } from "./conv";
// Cool-chic-lite's fitting ops (assembly/coolchic.ts).
export { upsampleBilinear, upsampleBilinearGrad, gatherPadded, gatherPaddedGrad, laplaceRate } from "./coolchic";

// 1 in the relaxed-SIMD builds (fused multiply-add in the matrix products), 0 in the plain ones: which variant an
// instance is, whoever compiled it.
export function relaxedSimd(): i32 { return ASC_FEATURE_RELAXED_SIMD ? 1 : 0; }
