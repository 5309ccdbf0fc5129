// Cross-validation as tasks (planCrossValidation, runTask, mergeResults): the tasks run one by one, in any order,
// merge into exactly what crossValidate returns (timings aside), and bad tasks or missing results are refused.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { crossValidate, Generator, mergeResults, planCrossValidation, runTask } from "../src/index.ts";
import type { FoldResult } from "../src/index.ts";

const test = suite("cross-validation as tasks");

function data(n: number, seed: number): { X: number[][]; y: string[] } {
  const g = new Generator(seed);
  const X = Array.from({ length: n }, (_, i) =>
    Array.from({ length: 8 }, (_, j) => g.uniform(-1, 1) + (j < 2 ? i % 2 : 0)),
  );
  return { X, y: X.map((_, i) => "ab"[i % 2]) };
}

const OPTIONS = { epochs: 4, hidden: [6], batchSize: 8, folds: 3, seeds: 2, radius: 1, attribution: true };
const untimed = (value: unknown) =>
  JSON.parse(
    JSON.stringify(value, (key, v) =>
      key === "secondsPerEpoch" ? undefined : ArrayBuffer.isView(v) ? Array.from(v as Int32Array) : v,
    ),
  );

test("the tasks, run in reverse order and merged, give crossValidate's result", () => {
  const { X, y } = data(30, 3);
  const plan = planCrossValidation(X, y, OPTIONS);
  assert.is(plan.tasks.length, 6);
  assert.equal([plan.samples, plan.folds, plan.seeds, plan.classes], [30, 3, [0, 1], ["a", "b"]]);
  // Through JSON, as a task list crosses processes: test rows as plain arrays.
  const tasks = JSON.parse(
    JSON.stringify(plan.tasks, (_, v) => (ArrayBuffer.isView(v) ? Array.from(v as Int32Array) : v)),
  );
  const results: FoldResult[] = [];
  for (let i = tasks.length - 1; i >= 0; i--) results[i] = runTask(X, y, OPTIONS, tasks[i]);
  assert.equal(untimed(mergeResults(plan, results)), untimed(crossValidate(X, y, OPTIONS)));
});

test("missing results and bad tasks are refused, naming them", () => {
  const { X, y } = data(30, 4);
  const plan = planCrossValidation(X, y, { ...OPTIONS, seeds: 1 });
  const one = runTask(X, y, OPTIONS, plan.tasks[1]);
  assert.throws(() => mergeResults(plan, [undefined, one]), /2 of 3 tasks have no result \(0, 2\)/);
  assert.throws(() => mergeResults(plan, [one, one, one]), /results\[0\] is seed 0 fold 2, not task 0's/);
  const task = plan.tasks[0];
  for (const [test, says] of [
    [[], /between 1 and 29/],
    [Array.from({ length: 30 }, (_, i) => i), /between 1 and 29/],
    [[3, 2], /task\.test\[1\] must be a row index in 0\.\.29, above the one before/],
    [[0, 30], /task\.test\[1\]/],
    [[0.5], /task\.test\[0\]/],
  ] as const)
    assert.throws(() => runTask(X, y, OPTIONS, { ...task, test: test as unknown as Int32Array }), says);
  assert.throws(() => runTask(X, y, OPTIONS, { ...task, fold: 0 }), /task\.fold must be ≥ 1/);
  assert.throws(() => runTask(X, y, OPTIONS, null as never), /task must be an object/);
});

test.run();
