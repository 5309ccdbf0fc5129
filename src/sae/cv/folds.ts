// Stratified splits: every fold (and every validation carve) holds each class in proportion, drawn by a
// seeded generator so a seed fixes the folds in every runtime.
import { Generator } from "../../random.ts";

/**
 * Why `k` stratified folds cannot be drawn for the class indices `y`, or null when they can: each fold needs one
 * sample of each class. `classes` names the classes y indexes (the message names the class, quoted when text).
 * crossValidate throws it; the command line and the web page ask first, to name the file and the control to change.
 */
export function foldsProblem(y: ArrayLike<number>, classes: ArrayLike<number | string>, k: number): string | null {
  if (!Number.isSafeInteger(k) || k < 2) return `folds must be an integer ≥ 2; got ${k}`;
  if (k > y.length) return `${k} folds for ${y.length} samples: there cannot be more folds than samples`;
  const counts = new Array<number>(classes.length).fill(0);
  for (let i = 0; i < y.length; i++) counts[y[i]]++;
  const c = counts.findIndex((count) => count < k);
  if (c < 0) return null;
  const few = `${counts[c]} sample${counts[c] === 1 ? "" : "s"}`;
  return `class ${JSON.stringify(classes[c])} has ${few}, fewer than the ${k} folds: each fold needs one of each class`;
}

/** k test folds of row indices, each class dealt round-robin after a seeded shuffle. */
export function stratifiedFolds(y: ArrayLike<number>, classes: number, k: number, seed: number): Int32Array[] {
  const problem = foldsProblem(
    y,
    Array.from({ length: classes }, (_, c) => c),
    k,
  );
  if (problem) throw new RangeError(problem);
  const generator = new Generator(seed);
  const folds: number[][] = Array.from({ length: k }, () => []);
  let next = 0;
  for (let c = 0; c < classes; c++) {
    const members = Array.from({ length: y.length }, (_, i) => i).filter((i) => y[i] === c);
    const order = generator.permutation(members.length);
    // Continue the deal where the previous class stopped, so fold sizes differ by at most one.
    for (let r = 0; r < members.length; r++) folds[next++ % k].push(members[order[r]]);
  }
  return folds.map((f) => Int32Array.from(f.sort((a, b) => a - b)));
}

/**
 * A stratified validation carve of `fraction` of `rows` (at least one per class when possible): [train, validation].
 */
export function validationSplit(
  rows: ArrayLike<number>,
  y: ArrayLike<number>,
  classes: number,
  fraction: number,
  seed: number,
): [Int32Array, Int32Array] {
  const generator = new Generator(seed);
  const train: number[] = [],
    validation: number[] = [];
  for (let c = 0; c < classes; c++) {
    const members = Array.from(rows).filter((i) => y[i] === c);
    const order = generator.permutation(members.length);
    const held = members.length > 1 ? Math.max(1, Math.round(members.length * fraction)) : 0;
    order.forEach((o, r) => (r < held ? validation : train).push(members[o]));
  }
  return [Int32Array.from(train.sort((a, b) => a - b)), Int32Array.from(validation.sort((a, b) => a - b))];
}
