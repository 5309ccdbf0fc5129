// The cross-validation grid as tasks (`sparseproj plan`, `run`, `merge`, `slurm`): the merged report equals sae's on
// one machine except its timing fields, a rerun resumes, missing and failed tasks are listed by index, and a plan
// is checked as untrusted input. The real engines (SLURM, GNU parallel, Snakemake) are test/cluster/'s.
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { assertOneLineError, cliIn, scratchDir } from "./helpers.mjs";

const dir = scratchDir("grid");
const cli = cliIn(dir);
const FLAGS = ["--folds", "2", "--seeds", "2", "--epochs", "3", "--hidden", "4", "--id-column", "id"];
const TWO = [...FLAGS, "--radius", "0.5,2", "--no-baseline"]; // 2 settings × 2 seeds × 2 folds = 8 tasks
const GRID = [...FLAGS, "--radius", "0.5,2", "--attribution"];

// A seeded table of two classes that differ in the first two features.
function table(samples = 24, features = 6) {
  let state = 12345;
  const random = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  const header = ["id", ...Array.from({ length: features }, (_, j) => `f${j + 1}`), "label"];
  const rows = Array.from({ length: samples }, (_, i) => {
    const values = Array.from({ length: features }, (_, j) => (random() * 2 + (j < 2 ? 3 * (i % 2) : 0)).toFixed(4));
    return [`s${i + 1}`, ...values, "ab"[i % 2]];
  });
  return `${[header, ...rows].map((r) => r.join(",")).join("\n")}\n`;
}
writeFileSync(join(dir, "data.csv"), table());

const read = (...parts) => readFileSync(join(dir, ...parts), "utf8");
const readJson = (...parts) => JSON.parse(read(...parts));

/** `report` without its timing fields (each run's and the model history's secondsPerEpoch). */
function untimed(value) {
  return JSON.parse(JSON.stringify(value), (key, v) => (key === "secondsPerEpoch" ? undefined : v));
}
/** metrics.csv without its last column (seconds_per_epoch). */
const untimedCsv = (text) =>
  text
    .trimEnd()
    .split("\n")
    .map((line) => line.slice(0, line.lastIndexOf(",")));

test("merge writes what sae writes on one machine, equal except timing fields", () => {
  const planned = cli("plan", "data.csv", ...GRID, "-o", "plan.json");
  assert.is(planned.status, 0, planned.stderr);
  assert.match(planned.stdout, /12 tasks \(3 settings × 2 seeds × 2 folds\)/);
  const plan = readJson("plan.json");
  assert.is(plan.tasks.length, 12);
  assert.is(plan.folds.length, 2);
  assert.equal(
    plan.folds[0].test.flat().sort((a, b) => a - b),
    [...Array(24).keys()],
  );
  // Three processes, as three array elements would run them: one task, a shard, then the rest.
  assert.is(cli("run", "plan.json", "--task", "0").status, 0);
  assert.is(cli("run", "plan.json", "--shard", "2/3").status, 0);
  const rest = cli("run", "plan.json", "--json");
  assert.is(rest.status, 0, rest.stderr);
  const states = JSON.parse(rest.stdout).tasks.map((t) => t.state);
  assert.equal(states.filter((s) => s === "done before").length, 5, "task 0 and shard 2/3 (tasks 4..7) are skipped");
  assert.is(readdirSync(join(dir, "plan-results")).length, 12);

  const merged = cli("merge", "plan.json", "--out", "merged", "--json");
  assert.is(merged.status, 0, merged.stderr);
  const single = cli("sae", "data.csv", ...GRID, "--out", "single", "--json");
  assert.is(single.status, 0, single.stderr);
  assert.equal(untimed(JSON.parse(merged.stdout)), untimed(JSON.parse(single.stdout)));
  const files = readdirSync(join(dir, "single")).sort();
  assert.equal(readdirSync(join(dir, "merged")).sort(), files);
  assert.ok(files.includes("attribution.csv") && files.includes("radius.svg"), files.join(", "));
  for (const name of files) {
    if (name === "metrics.csv") assert.equal(untimedCsv(read("merged", name)), untimedCsv(read("single", name)));
    else if (name.endsWith(".json")) assert.equal(untimed(readJson("merged", name)), untimed(readJson("single", name)));
    else assert.is(read("merged", name), read("single", name), name);
  }
  // The timing fields are there, only not compared.
  assert.ok(JSON.parse(merged.stdout).runs.every((r) => r.secondsPerEpoch > 0));
});

test("merge lists missing, stale and failed tasks by index, and run redoes exactly those", () => {
  cli("plan", "data.csv", ...TWO, "-o", "resume.json");
  assert.is(cli("run", "resume.json").status, 0);
  rmSync(join(dir, "resume-results", "task-2.json"));
  const stale = join(dir, "resume-results", "task-5.json");
  writeFileSync(stale, read("resume-results", "task-5.json").replace(/"key":"[0-9a-f]+"/, `"key":"${"0".repeat(64)}"`));
  const missing = cli("merge", "resume.json", "--json");
  assertOneLineError(missing, /resume\.json: 2 of 8 tasks have no result \(2, 5\).*sparseproj run resume\.json/);
  assert.equal(JSON.parse(missing.stdout), { complete: false, missing: [2, 5], failed: [] });
  assert.not.ok(existsSync(join(dir, "resume-report")));
  const again = cli("run", "resume.json", "--json");
  assert.equal(
    JSON.parse(again.stdout)
      .tasks.filter((t) => t.state === "ran")
      .map((t) => t.index),
    [2, 5],
  );
  assert.is(cli("merge", "resume.json").status, 0);

  // A task that fails records why; run exits non-zero, merge names it; the next run tries it again.
  cli("plan", "data.csv", ...TWO, "--lr", "1e30", "-o", "diverge.json");
  const failed = cli("run", "diverge.json", "--task", "1");
  assertOneLineError(failed, /training diverged/);
  assert.match(failed.stdout, /task 1: failed: .*loss is NaN/);
  const listed = cli("merge", "diverge.json", "--json");
  assertOneLineError(listed, /7 of 8 tasks have no result \(0, 2, 3, 4, 5, 6, 7\) and 1 failed \(1: .*NaN/);
  assert.is(JSON.parse(listed.stdout).failed[0].index, 1);
  assert.match(cli("run", "diverge.json", "--task", "1").stdout, /task 1: failed/, "a failure is not skipped");
});

test("a plan is checked before anything runs: one line naming the file, nothing written", () => {
  cli("plan", "data.csv", ...TWO, "-o", "good.json");
  const good = readJson("good.json");
  const cases = [
    ["not JSON", "{", /bad\.json: is not a plan \(not JSON/],
    ["another format", { ...good, format: "x" }, /"format" is not "sparseproj-plan"/],
    [
      "another version",
      { ...good, sparseproj: "0.0.1" },
      /made by sparseproj 0\.0\.1 and this is .*make the plan again/,
    ],
    [
      "a foreign flag",
      { ...good, arguments: ["--workers", "2"] },
      /"arguments" are not sae's flags: unknown flag --workers/,
    ],
    ["-o inside", { ...good, arguments: ["-o", "x"] }, /"arguments" are not sae's flags/],
    ["a bad value", { ...good, arguments: ["--folds", "1"] }, /--folds must be an integer ≥ 2/],
    ["settings edited", { ...good, settings: [] }, /"settings" are not those its arguments give/],
    [
      "a row in two folds",
      {
        ...good,
        folds: [
          {
            seed: 0,
            test: [
              [0, 1],
              [1, 2],
            ],
          },
          good.folds[1],
        ],
      },
      /"folds"\[0\]\.test\[1\] holds row 1, also in another fold/,
    ],
    ["rows out of range", { ...good, folds: [{ seed: 0, test: [[0, 99], [1]] }, good.folds[1]] }, /increasing rows/],
    ["a task edited", { ...good, tasks: good.tasks.map((t, i) => (i === 3 ? { ...t, seed: 0 } : t)) }, /"tasks"\[3\]/],
    [
      "a key edited",
      { ...good, tasks: good.tasks.map((t, i) => (i ? t : { ...t, key: "0".repeat(64) })) },
      /"tasks"\[0\]/,
    ],
    ["too few tasks", { ...good, tasks: good.tasks.slice(1) }, /"tasks" must hold 8 tasks/],
    ["no data", { ...good, path: "nowhere.csv" }, /nowhere\.csv: cannot read the file: no such file/],
    ["a null", null, /not a JSON object/],
  ];
  for (const [i, [name, plan, says]] of cases.entries()) {
    writeFileSync(join(dir, "bad.json"), typeof plan === "string" ? plan : JSON.stringify(plan));
    // Both commands read a plan alike (loadPlan); merge is spawned for a few cases only, to keep the suite short.
    for (const command of i % 4 ? ["run"] : ["run", "merge"]) {
      const r = cli(command, "bad.json");
      assertOneLineError(r, says);
      assert.not.ok(existsSync(join(dir, "bad-results")), `${name}: ${command} wrote results`);
    }
  }
  // The data changed since the plan: its hash says so.
  writeFileSync(join(dir, "changing.csv"), table());
  cli("plan", "changing.csv", ...FLAGS, "-o", "changing.json");
  writeFileSync(join(dir, "changing.csv"), table().replace("s1,", "s0,"));
  assertOneLineError(
    cli("run", "changing.json", "--task", "0"),
    /changing\.csv: has changed since .* make the plan again/,
  );
  assertOneLineError(
    cli("run", "good.json", "--task", "8"),
    /good\.json: has 8 tasks \(0\.\.7\); there is no --task 8/,
  );
  for (const args of [
    ["--shard", "3/2"],
    ["--shard", "0/2"],
    ["--shard", "1"],
    ["--task", "1", "--shard", "1/2"],
  ]) {
    const r = cli("run", "good.json", ...args);
    assert.is(r.status, 2, `${args.join(" ")}: ${r.stderr}`);
  }
  assert.is(cli("plan", "data.csv", ...FLAGS).status, 2, "plan needs -o");
  assert.is(cli("plan", "data.csv", ...FLAGS, "--workers", "2", "-o", "w.json").status, 2, "no --workers in a plan");
});

test("slurm writes an array script and a merge script; --submit chains them with afterok", () => {
  cli("plan", "data.csv", ...FLAGS, "--radius", "0.5,2", "-o", "cluster.json");
  const r = cli("slurm", "cluster.json", "--max-parallel", "3", "--time", "0:10:00", "--partition", "short");
  assert.is(r.status, 0, r.stderr);
  const script = read("cluster.sbatch");
  for (const line of ["#SBATCH --array=0-11%3", "#SBATCH --time=0:10:00", "#SBATCH --partition=short"])
    assert.ok(script.includes(line), line);
  assert.match(script, /run '[^']+cluster\.json' --task "\$SLURM_ARRAY_TASK_ID"/);
  assert.match(read("cluster-merge.sbatch"), /merge '[^']+cluster\.json' --out '[^']+cluster-report'/);

  // Blocks of 5 tasks: three elements, each a --shard; the script itself runs one, as a compute node would.
  assert.is(cli("slurm", "cluster.json", "--tasks-per-job", "5").status, 0);
  const blocks = read("cluster.sbatch");
  assert.ok(blocks.includes("#SBATCH --array=0-2\n"), blocks);
  const element = spawnSync("bash", [join(dir, "cluster.sbatch")], {
    env: { ...process.env, SLURM_ARRAY_TASK_ID: "1" },
    encoding: "utf8",
  });
  assert.is(element.status, 0, element.stderr);
  assert.equal(
    readdirSync(join(dir, "cluster-results"))
      .filter((f) => f.startsWith("task-"))
      .sort(),
    ["task-4.json", "task-5.json", "task-6.json", "task-7.json"],
  );

  // --submit with a stand-in sbatch that records its arguments: the merge waits for the array job.
  const bin = scratchDir("sbatch");
  writeFileSync(
    join(bin, "sbatch"),
    `#!/bin/sh\necho "$@" >> ${JSON.stringify(join(bin, "calls"))}\n` +
      `case "$*" in *afterok*) echo 102;; *) echo "101;cluster";; esac\n`,
  );
  chmodSync(join(bin, "sbatch"), 0o755);
  const submitted = cliIn(dir, { env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } })(
    "slurm",
    "cluster.json",
    "--submit",
    "--json",
  );
  assert.is(submitted.status, 0, submitted.stderr);
  assert.equal(JSON.parse(submitted.stdout).arrayJob, "101");
  assert.equal(JSON.parse(submitted.stdout).mergeJob, "102");
  const calls = readFileSync(join(bin, "calls"), "utf8").trim().split("\n");
  assert.match(calls[0], /^--parsable \S+cluster\.sbatch$/);
  assert.match(calls[1], /^--parsable --dependency=afterok:101 \S+cluster-merge\.sbatch$/);
  for (const [flag, value] of [
    ["--time", "1h"],
    ["--partition", "a\n#SBATCH --x"],
    ["--max-parallel", "0"],
    ["--tasks-per-job", "0"],
  ])
    assert.is(cli("slurm", "cluster.json", flag, value).status, 2, `${flag} ${value}`);
  const failing = cliIn(dir, { env: { ...process.env, PATH: "/nonexistent" } })("slurm", "cluster.json", "--submit");
  assertOneLineError(failing, /cannot run sbatch: ENOENT/);
});

test.run();
