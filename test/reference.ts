// Slow, obviously-correct references: sort-based thresholds in f64, one group at a time.
import type { Axis } from "../src/types.ts";

/** τ with Σ max(v_i − τ, 0) = a, by sorting v in decreasing order (Held, Wolfe, Crowder 1974). */
export function sortThreshold(v: ArrayLike<number>, a: number): number {
  const sorted = Array.from(v).sort((p, q) => q - p);
  let cumulative = 0;
  let tau = sorted[0] - a;
  for (let k = 0; k < sorted.length; k++) {
    cumulative += sorted[k];
    const candidate = (cumulative - a) / (k + 1);
    if (sorted[k] > candidate) tau = candidate;
    else break;
  }
  return tau;
}

export function l1BallRef(y: ArrayLike<number>, a: number): number[] {
  const abs = Array.from(y, Math.abs);
  if (abs.reduce((s, v) => s + v, 0) <= a) return Array.from(y);
  if (a === 0) return abs.map(() => 0);
  const tau = sortThreshold(abs, a);
  return Array.from(y, (v) => Math.sign(v) * Math.max(Math.abs(v) - tau, 0));
}

export function simplexRef(y: ArrayLike<number>, a: number): number[] {
  if (a === 0) return Array.from(y, () => 0);
  const tau = sortThreshold(y, a);
  return Array.from(y, (v) => Math.max(v - tau, 0));
}

export function l2BallRef(y: ArrayLike<number>, a: number): number[] {
  const norm = Math.hypot(...Array.from(y));
  return norm <= a ? Array.from(y) : Array.from(y, (v) => v * (a / norm));
}

export function lInfBallRef(y: ArrayLike<number>, a: number): number[] {
  return Array.from(y, (v) => Math.min(Math.max(v, -a), a));
}

export type Kind = "inf" | "1" | "2";

export function groupsOf(y: ArrayLike<number>, rows: number, cols: number, axis: Axis): number[][] {
  return axis === "columns"
    ? Array.from({ length: cols }, (_, j) => Array.from({ length: rows }, (_, i) => y[i * cols + j]))
    : Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => y[i * cols + j]));
}

export function fromGroups(groups: number[][], rows: number, cols: number, axis: Axis): number[] {
  const out = new Array<number>(rows * cols);
  groups.forEach((group, g) => group.forEach((v, k) => (out[axis === "columns" ? k * cols + g : g * cols + k] = v)));
  return out;
}

export function groupNormRef(group: number[], kind: Kind): number {
  if (kind === "inf") return group.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  if (kind === "1") return group.reduce((s, v) => s + Math.abs(v), 0);
  return Math.hypot(...group);
}

export function mixedNormRef(
  y: ArrayLike<number>,
  rows: number,
  cols: number,
  kind: Kind,
  axis: Axis = "columns",
): number {
  return groupsOf(y, rows, cols, axis).reduce((s, g) => s + groupNormRef(g, kind), 0);
}

/** Bilevel projection: u = P_ℓ1,η(group norms), then each group projected onto its own ball of radius u_j. */
export function bilevelRef(
  y: ArrayLike<number>,
  rows: number,
  cols: number,
  eta: number,
  kind: Kind,
  axis: Axis = "columns",
): number[] {
  const groups = groupsOf(y, rows, cols, axis);
  const u = l1BallRef(
    groups.map((g) => groupNormRef(g, kind)),
    eta,
  );
  const project = { inf: lInfBallRef, "1": l1BallRef, "2": l2BallRef }[kind];
  return fromGroups(
    groups.map((g, j) => project(g, u[j])),
    rows,
    cols,
    axis,
  );
}

/**
 * Exact ℓ1,∞ projection: X_ij = sign(Y_ij)·min(|Y_ij|, μ_j(θ)) with μ_j(θ) the level whose excess
 * Σ_i (|Y_ij| − μ)₊ is θ (0 when ‖y_j‖₁ ≤ θ), and θ bisected in f64 down to adjacent
 * floats so that Σ_j μ_j = η.
 */
export function l1InfRef(
  y: ArrayLike<number>,
  rows: number,
  cols: number,
  eta: number,
  axis: Axis = "columns",
): number[] {
  const groups = groupsOf(y, rows, cols, axis);
  if (mixedNormRef(y, rows, cols, "inf", axis) <= eta) return Array.from(y);
  if (eta === 0) return Array.from(y, () => 0);
  const magnitudes = groups.map((g) => g.map(Math.abs));
  const levels = (theta: number) => magnitudes.map((g) => Math.max(sortThreshold(g, theta), 0));
  const total = (theta: number) => levels(theta).reduce((s, v) => s + v, 0);
  let lo = 0;
  let hi = Math.max(...magnitudes.map((g) => g.reduce((s, v) => s + v, 0)));
  for (let mid = (lo + hi) / 2; mid > lo && mid < hi; mid = lo + (hi - lo) / 2) {
    if (total(mid) >= eta) lo = mid;
    else hi = mid;
  }
  const mu = levels(lo);
  return fromGroups(
    groups.map((g, j) => g.map((v) => Math.sign(v) * Math.min(Math.abs(v), mu[j]))),
    rows,
    cols,
    axis,
  );
}

/**
 * Weighted ℓ1 ball: x_i = sign(y_i)·max(|y_i| − τ·w_i, 0) with Σ w_i·max(|y_i| − τw_i, 0) = a, τ found by
 * sorting the breakpoints t_i = |y_i|/w_i in decreasing order and taking the last prefix whose τ
 * stays below its breakpoint.
 */
export function weightedL1BallRef(y: ArrayLike<number>, w: ArrayLike<number>, a: number): number[] {
  const abs = Array.from(y, Math.abs);
  if (abs.reduce((s, v, i) => s + w[i] * v, 0) <= a) return Array.from(y);
  if (a === 0) return abs.map(() => 0);
  const order = abs.map((_, i) => i).sort((p, q) => abs[q] / w[q] - abs[p] / w[p]);
  let sum = 0,
    squares = 0,
    tau = 0;
  for (const i of order) {
    sum += w[i] * abs[i];
    squares += w[i] * w[i];
    const candidate = (sum - a) / squares;
    if (abs[i] / w[i] > candidate) tau = candidate;
    else break;
  }
  return Array.from(y, (v, i) => Math.sign(v) * Math.max(Math.abs(v) - tau * w[i], 0));
}

export type TrilevelKind = "inf" | "1";

/** The fibres Y[i, j, :] of a row-major [a, b, c] tensor, by group i. */
export function fibresOf(y: ArrayLike<number>, a: number, b: number, c: number): number[][][] {
  return Array.from({ length: a }, (_, i) =>
    Array.from({ length: b }, (_, j) => Array.from({ length: c }, (_, k) => y[(i * b + j) * c + k])),
  );
}

/** Σ_i of max_j (ℓ∞) or Σ_j (ℓ1) of the fibre norms max_k |Y_ijk| or Σ_k |Y_ijk|. */
export function trilevelNormRef(y: ArrayLike<number>, a: number, b: number, c: number, kind: TrilevelKind): number {
  return fibresOf(y, a, b, c).reduce((s, group) => s + groupOfFibresNorm(group, kind), 0);
}

function groupOfFibresNorm(group: number[][], kind: TrilevelKind): number {
  const norms = group.map((f) => groupNormRef(f, kind));
  return kind === "inf" ? norms.reduce((m, v) => Math.max(m, v), 0) : norms.reduce((s, v) => s + v, 0);
}

/** u = P_ℓ1,η(group norms); v_i = P_ℓ1,u_i(fibre norms of group i); each fibre onto its ball of radius v_ij. */
export function trilevelRef(
  y: ArrayLike<number>,
  a: number,
  b: number,
  c: number,
  eta: number,
  kind: TrilevelKind,
): number[] {
  if (trilevelNormRef(y, a, b, c, kind) <= eta) return Array.from(y);
  const groups = fibresOf(y, a, b, c);
  const u = l1BallRef(
    groups.map((g) => groupOfFibresNorm(g, kind)),
    eta,
  );
  const project = kind === "inf" ? lInfBallRef : l1BallRef;
  return groups.flatMap((group, i) => {
    // ℓ1,∞,∞: each fibre's level is min(its max, u_i) (the authors' operator); ℓ1,1,1: an ℓ1 projection.
    const norms = group.map((f) => groupNormRef(f, kind));
    const v = kind === "inf" ? norms.map((n) => Math.min(n, u[i])) : l1BallRef(norms, u[i]);
    return group.flatMap((fibre, j) => project(fibre, v[j]));
  });
}

export type GroupedShape = readonly [number, number, number];

/** The groups x[:, g, :] of a row-major [outer, groups, inner] tensor, each in (o, k) order. */
export function groupedSlices(y: ArrayLike<number>, [outer, groups, inner]: GroupedShape): number[][] {
  return Array.from({ length: groups }, (_, g) => {
    const slice: number[] = [];
    for (let o = 0; o < outer; o++) for (let k = 0; k < inner; k++) slice.push(y[(o * groups + g) * inner + k]);
    return slice;
  });
}

export function groupedNormRef(y: ArrayLike<number>, shape: GroupedShape, kind: Kind): number {
  return groupedSlices(y, shape).reduce((s, g) => s + groupNormRef(g, kind), 0);
}

/**
 * The bilevel projection of a grouped view: u = P_ℓ1,η(‖x[:, g, :]‖), then each slice
 * onto its ball of radius u_g.
 */
export function bilevelGroupedRef(y: ArrayLike<number>, shape: GroupedShape, eta: number, kind: Kind): number[] {
  const [outer, groups, inner] = shape;
  const slices = groupedSlices(y, shape);
  const u = l1BallRef(
    slices.map((g) => groupNormRef(g, kind)),
    eta,
  );
  const project = { inf: lInfBallRef, "1": l1BallRef, "2": l2BallRef }[kind];
  const out = new Array<number>(y.length);
  slices.forEach((slice, g) => {
    const projected = project(slice, u[g]);
    for (let o = 0; o < outer; o++)
      for (let k = 0; k < inner; k++) out[(o * groups + g) * inner + k] = projected[o * inner + k];
  });
  return out;
}
