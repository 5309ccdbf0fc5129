// What a hostile or careless caller hands the training API and the table reader: non-numbers, missing and
// differently spelled labels, extreme magnitudes, the log of −1, shapes that claim more than x holds. Each is a
// clear error naming the place, or the right answer; never a silent coercion, a split class or a zeroed feature.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { assertWithinUnits } from "./timing.ts";
import {
  bilevelL1InfGrouped,
  DataError,
  groupedNorm,
  groupNorms,
  parseTable,
  trainSAE,
  trainVAE,
} from "../src/index.ts";
import { toDataset } from "../src/sae/dataset.ts";
import { fitPreprocessing, NotFiniteError, transformRows } from "../src/sae/preprocess.ts";

const test = suite("input checks: coercion, labels, magnitudes, shapes");

const X4 = [
  [1, 2],
  [3, 4],
  [5, 6],
  [7, 8],
];

test("non-numbers in X are refused naming row and column, where Float64Array.from would coerce them", () => {
  for (const bad of ["", null, [], true, "0x10", "1", undefined, {}]) {
    const X = X4.map((row) => [...row]);
    (X[2] as unknown[])[1] = bad;
    assert.throws(
      () => toDataset(X, [0, 1, 0, 1]),
      (e: Error) => e instanceof TypeError && /X\[2\]\[1\] must be a number/.test(e.message),
      String(bad),
    );
    const flat: unknown[] = X4.flat();
    flat[5] = bad;
    assert.throws(
      () => toDataset(flat as number[], [0, 1, 0, 1]),
      (e: Error) => /X\[2\]\[1\] must be a number/.test(e.message),
      `flat ${String(bad)}`,
    );
  }
  const model = trainSAE(X4, [0, 1, 0, 1], { hidden: [2], epochs: 1 });
  try {
    assert.throws(
      () => model.predict([[1, "2" as unknown as number]]),
      /X\[0\]\[1\] must be a number; got the string "2"/,
    );
  } finally {
    model.dispose();
  }
});

test("labels: one class however it is spelled or typed; a missing label is never a class", () => {
  assert.equal(
    toDataset(X4, [1, "1", 2, "2.0"] as unknown as number[]).classes,
    [1, 2],
    "1 and '1' are one class; the first label's type names it",
  );
  assert.equal(Array.from(toDataset(X4, ["1", "1.0", "02", "2"]).y), [0, 0, 1, 1]);
  assert.equal(toDataset(X4, ["1", "1.0", "02", "2"]).classes, ["1", "2"]);
  assert.equal(toDataset(X4, ["b", "a", "b", "a"]).classes, ["a", "b"], "text labels sorted as before");
  for (const missing of [NaN, "NA", "", "nan", "N/A", "null", "#N/A", "."]) {
    assert.throws(
      () => toDataset(X4, [0, 1, missing, 1] as unknown as number[]),
      (e: Error) => /y\[2\] is .*missing label/.test(e.message),
      String(missing),
    );
  }
  assert.throws(
    () => toDataset(X4, [0, 1, true, 1] as unknown as number[]),
    /y\[2\] must be a number or a string; got boolean true/,
  );

  const table = parseTable("f1,f2,label\n1,2,1\n3,4,1.0\n5,6,02\n7,8,2\n");
  assert.equal(table.classes, ["1", "2"], "1 and 1.0 are one class, 02 and 2 another");
  assert.equal(Array.from(table.y), [0, 0, 1, 1]);
  for (const missing of ["NA", "NaN", "#N/A", "."]) {
    assert.throws(
      () => parseTable(`f1,f2,label\n1,2,a\n3,4,${missing}\n5,6,b\n`, { file: "t.csv" }),
      (e: Error) =>
        e instanceof DataError &&
        /^t\.csv, row 3, column 3 \("label"\): the label '.*' marks a missing value/.test(e.message),
      missing,
    );
  }
});

test("a header of 300,000 columns is checked for duplicates in linear time", () => {
  const names = Array.from({ length: 300_000 }, (_, j) => `f${j}`);
  const text = `${names.join(",")},label\n${names.map(() => "1").join(",")},a\n${names.map(() => "2").join(",")},b\n`;
  // In units of test/timing.ts: 480-4300 for this parse (load 12-14, with and without two more busy loops); a
  // quadratic duplicate check (indexOf per name) costs 7-50 units for 3000 names, so 70 000-500 000 for 300 000.
  assertWithinUnits(() => assert.is(parseTable(text).features, 300_000), 30_000, "parsing a 300,000-column header");
  assert.throws(() => parseTable(`a,b,a,label\n1,2,3,x\n`), /column 3 \("a"\): column 1 has the same name/);
});

test("z-score of features near ±1e200 and ±1e-170: scaled, not zeroed or left raw", () => {
  const x = [1e200, -1e200, 3e200, 1e-170, -2e-170, 5e-170, 1, 2, 3, 7, 7, 7];
  // 3 samples × 4 features, row-major; feature j holds x[3j..3j+2].
  const d = 4,
    X = Array.from({ length: 3 }, (_, i) => [x[i], x[3 + i], x[6 + i], x[9 + i]]).flat();
  const p = fitPreprocessing(X, d, [0, 1, 2], { log: false });
  const z = transformRows(p, X, d, [0, 1, 2]);
  for (let j = 0; j < d - 1; j++) {
    const column = [z[j], z[d + j], z[2 * d + j]];
    const mean = column.reduce((a, b) => a + b, 0) / 3,
      variance = column.reduce((a, b) => a + (b - mean) ** 2, 0) / 3;
    assert.ok(
      Math.abs(mean) < 1e-6 && Math.abs(variance - 1) < 1e-5,
      `feature ${j}: mean ${mean}, variance ${variance}`,
    );
  }
  assert.equal([z[3], z[7], z[11]], [0, 0, 0], "a constant feature stays at 0");
  const extreme = fitPreprocessing([1.7e308, -1.7e308], 1, [0, 1], { log: false });
  assert.equal(
    Array.from(transformRows(extreme, [1.7e308, -1.7e308], 1, [0, 1])),
    [1, -1],
    "the largest doubles scale too",
  );
});

test("the log of x = −1 is refused naming the sample and feature, in training and in prediction", () => {
  const says = (row: number, column: number) => (e: Error) =>
    e instanceof NotFiniteError &&
    e.row === row &&
    e.column === column &&
    new RegExp(`^X\\[${row}\\]\\[${column}\\]: the value -1 is not finite`).test(e.message);
  assert.throws(() => fitPreprocessing([0, 1, -1, 2], 2, [0, 1], { log: true }), says(1, 0));
  const p = fitPreprocessing([0, 1, 3, 2], 2, [0, 1], { log: true });
  assert.throws(() => transformRows(p, [0, 1, 2, -1], 2, [0, 1]), says(1, 1));
});

test("a grouped shape claiming 2^31 groups of an empty x is a RangeError naming the dimension", () => {
  for (const call of [
    () => bilevelL1InfGrouped(new Float64Array(0), [1, 2 ** 31, 0], 1),
    () => groupedNorm("inf", new Float64Array(0), [0, 2 ** 31, 1]),
    () => groupNorms(new Float64Array(0), [1, 2 ** 31, 0], "inf"),
  ]) {
    assert.throws(
      call,
      (e: Error) => e instanceof RangeError && /shape\[1\] \(groups\) must be at most/.test(e.message),
    );
  }
  assert.is(
    bilevelL1InfGrouped(new Float64Array(0), [0, 5, 3], 1).length,
    0,
    "an empty x with small dimensions still works",
  );
});

test("trainVAE refuses fewer than 2 rows and an empty validation set instead of reporting a NaN loss", () => {
  assert.throws(
    () => trainVAE([[1, 2]], { hidden: 2, latent: 1, epochs: 1 }),
    /trainVAE: X has 1 row; training needs at least 2/,
  );
  assert.throws(() => trainVAE(new Float64Array(0), { features: 2, hidden: 2, latent: 1, epochs: 1 }), /X has 0 rows/);
  const empty = { features: 2, hidden: 2, latent: 1, epochs: 1, validation: new Float64Array(0) };
  assert.throws(
    () =>
      trainVAE(
        [
          [1, 2],
          [3, 4],
        ],
        empty,
      ),
    /options.validation has no rows/,
  );
  const model = trainVAE(
    [
      [1, 2],
      [3, 5],
    ],
    { hidden: 2, latent: 1, epochs: 1 },
  );
  try {
    assert.ok(Number.isFinite(model.history[0].train.loss));
    assert.throws(() => model.evaluate(new Float64Array(0)), /X has no rows/);
  } finally {
    model.dispose();
  }
});

test.run();
