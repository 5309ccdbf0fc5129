// `sparseproj compare`: feature-selection methods at equal panel size (compareSelectors), as a table, JSON, and
// with --out a folder of CSV files and two figures (accuracy and stability against k).
import type { LabelledTable } from "../io/table.ts";
import { DataError } from "../io/table.ts";
import type { Summary } from "../sae/cross-validate.ts";
import type { ImputeMethod } from "../sae/preprocess.ts";
import {
  type CompareResult,
  type CompareRow,
  compareSelectors,
  type DownstreamName,
  type SelectorName,
} from "../selection/compare.ts";
import type { TableFlags } from "./input.ts";
import { checkDestination, csv, reportStream, textTable, writeDirectory } from "./output.ts";
import { panelSizeFigure } from "./plots.ts";
import { createStepProgress } from "./progress.ts";
import { readSaeTable } from "./sae.ts";

export interface CompareCommand {
  file: string;
  methods: SelectorName[];
  k: number[];
  folds: number;
  seeds: number;
  classifiers: DownstreamName[];
  permutations: number;
  trees: number;
  epochs: [number, number];
  hidden: number[];
  log: boolean | "auto";
  impute: ImputeMethod | null;
  /** Names of features known to be informative, or a /regular expression/: recall at k. */
  informative?: string[] | RegExp;
  out?: string;
  json: boolean;
  labelColumn?: string;
  idColumn?: string;
  tableFlags?: TableFlags;
}

/** What --json prints and --out saves as results.json: the library's result without per-run arrays' typed views. */
export type CompareReport = Omit<CompareResult, "runs"> & {
  file: string;
  runs: Array<Omit<CompareResult["runs"][number], "ranking"> & { ranking: number[] }>;
};

/** Every file --out may write; an existing folder holding only these is replaced. */
export const COMPARE_OUTPUT_FILES = [
  "results.json",
  "metrics.csv",
  "features.csv",
  "panels.csv",
  "accuracy.svg",
  "stability.svg",
] as const;

const pct = (s: Summary | null) => (s ? `${(100 * s.mean).toFixed(1)} ± ${(100 * s.std).toFixed(1)}` : "-");
const num = (v: number | null | undefined, digits = 3) => (v === null || v === undefined ? "-" : v.toFixed(digits));

function printTable(report: CompareReport): string {
  const header = [
    "method",
    "k",
    ...report.classifiers.flatMap((c) => [`accuracy % (${c})`, `AUC (${c})`]),
    "Kuncheva",
    "Jaccard",
    ...(report.rows.some((r) => r.recall) ? ["recall"] : []),
    "s / fold",
  ];
  const rows = report.rows.map((r) => [
    r.method,
    String(r.k),
    ...report.classifiers.flatMap((c) => [pct(r.accuracy[c]), num(r.auc[c]?.mean)]),
    num(r.kuncheva),
    num(r.jaccard),
    ...(report.rows.some((x) => x.recall) ? [num(r.recall?.mean)] : []),
    r.seconds.mean.toFixed(2),
  ]);
  const skipped = report.skippedK.length
    ? `k above the ${report.features} features left out: ${report.skippedK}\n`
    : "";
  return (
    `${report.file}: ${report.samples} samples × ${report.features} features; ${report.folds} folds × ` +
    `${report.seeds.length} seed${report.seeds.length === 1 ? "" : "s"}\n${skipped}${textTable(header, rows)}`
  );
}

function metricsCsv(report: CompareReport): string {
  const header = ["method", "k", "classifier", "accuracy", "accuracy_std", "auc", "auc_std"];
  header.push("kuncheva", "jaccard", "recall", "recall_std", "seconds_per_fold");
  const rows = report.rows.flatMap((r) =>
    report.classifiers.map((c) => [
      r.method,
      r.k,
      c,
      r.accuracy[c]?.mean ?? null,
      r.accuracy[c]?.std ?? null,
      r.auc[c]?.mean ?? null,
      r.auc[c]?.std ?? null,
      r.kuncheva,
      r.jaccard,
      r.recall?.mean ?? null,
      r.recall?.std ?? null,
      r.seconds.mean,
    ]),
  );
  return csv(header, rows);
}

function featuresCsv(report: CompareReport): string {
  const withP = report.permutations > 0;
  const header = ["method", "k", "feature", "frequency", ...(withP ? ["p_value"] : [])];
  const rows = report.rows.flatMap((r: CompareRow) =>
    r.features.map((f) => [r.method, r.k, f.name, f.frequency, ...(withP ? [f.pValue ?? null] : [])]),
  );
  return csv(header, rows);
}

function panelsCsv(report: CompareReport): string {
  const rows = report.runs.flatMap((r) =>
    r.ranking.map((j, rank) => [r.method, r.seed, r.fold, rank + 1, report.featureNames[j]]),
  );
  return csv(["method", "seed", "fold", "rank", "feature"], rows);
}

function figures(report: CompareReport): Array<{ name: string; content: string }> {
  const runs = `${report.folds} folds × ${report.seeds.length} seed(s)`;
  const byMethod = (point: (r: CompareRow) => { mean: number; std?: number } | null) =>
    report.methods.map((method) => ({
      label: method,
      points: report.rows
        .filter((r) => r.method === method)
        .flatMap((r) => {
          const p = point(r);
          return p ? [{ k: r.k, ...p }] : [];
        }),
    }));
  const classifier = report.classifiers[0];
  return [
    {
      name: "accuracy.svg",
      content: panelSizeFigure(
        `Test accuracy against the number of features kept (${classifier} on each method's top k)`,
        `${report.file}: ${runs}; every ranking fitted on the training fold only; ± is the sample std (n − 1).`,
        "accuracy %",
        byMethod((r) => {
          const s = r.accuracy[classifier];
          return s ? { mean: 100 * s.mean, std: 100 * s.std } : null;
        }),
        [0, 100],
      ),
    },
    {
      name: "stability.svg",
      content: panelSizeFigure(
        "Selection stability against the number of features kept (Kuncheva's index)",
        `${report.file}: mean over every pair of the ${runs} panels; 0 = chance, 1 = the same panel every time.`,
        "Kuncheva index",
        byMethod((r) => (r.kuncheva === null ? null : { mean: r.kuncheva })),
        [-0.1, 1],
      ),
    },
  ];
}

/** The indices of the features --informative names (names, or a regular expression). */
function informativeIndices(table: LabelledTable, given: string[] | RegExp, file: string): number[] {
  if (given instanceof RegExp) {
    const found = table.featureNames.flatMap((name, j) => (given.test(name) ? [j] : []));
    if (!found.length) throw new DataError(`--informative ${given} matches no feature`, { file });
    return found;
  }
  return given.map((name) => {
    const j = table.featureNames.indexOf(name);
    if (j < 0) throw new DataError(`--informative names ${JSON.stringify(name)}, not a feature`, { file });
    return j;
  });
}

/** Runs `sparseproj compare`; returns the report it printed. */
export async function runCompare(command: CompareCommand): Promise<CompareReport> {
  const { file } = command;
  const trainsSae =
    command.methods.some((m) => m.startsWith("sae-") || m === "top-k") || command.classifiers.includes("sae");
  const table = await readSaeTable(command, file, trainsSae);
  if (command.out) checkDestination(command.out, COMPARE_OUTPUT_FILES);
  const informative = command.informative ? informativeIndices(table, command.informative, file) : undefined;
  const progress = createStepProgress(
    command.methods.length * command.folds * command.seeds * (1 + command.permutations),
  );
  try {
    const result = compareSelectors(table.data, table.labels, {
      methods: command.methods,
      k: command.k,
      folds: command.folds,
      seeds: command.seeds,
      classifiers: command.classifiers,
      permutations: command.permutations,
      trees: command.trees,
      informative,
      featureNames: table.featureNames,
      sae: {
        epochs: command.epochs,
        hidden: command.hidden,
        preprocess: { log: command.log, ...(command.impute ? { impute: command.impute } : {}) },
      },
      onTask: (t) => {
        const what = t.kind === "permutation" ? `permutation ${t.permutation} · ` : "";
        progress.step(`${what}${t.method} · seed ${t.seed} · fold ${t.fold}`, t.done);
      },
    });
    progress.stop();
    const report: CompareReport = {
      file,
      ...result,
      runs: result.runs.map((r) => ({ ...r, ranking: Array.from(r.ranking) })),
    };
    const files = command.out
      ? [
          { name: "results.json", content: `${JSON.stringify(report, null, 2)}\n` },
          { name: "metrics.csv", content: metricsCsv(report) },
          { name: "features.csv", content: featuresCsv(report) },
          { name: "panels.csv", content: panelsCsv(report) },
          ...figures(report),
        ]
      : [];
    if (command.out) writeDirectory(command.out, files, COMPARE_OUTPUT_FILES);
    const stream = reportStream();
    if (command.json) stream.write(`${JSON.stringify(report)}\n`);
    else {
      const wrote = command.out ? `wrote ${command.out}: ${files.map((f) => f.name).join(", ")}\n` : "";
      stream.write(printTable(report) + wrote);
    }
    return report;
  } finally {
    progress.stop();
  }
}
