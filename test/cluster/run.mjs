// The cluster suite: a small cross-validation grid run by the engines people have, each checked against
// `sparseproj sae` on one machine (equal except timing fields):
//   slurm      a one-node SLURM cluster started here, as root (munged, slurmctld, slurmd: all state in a temporary
//              folder, ports of its own), the grid submitted by `sparseproj slurm --submit`; the daemons it started
//              are stopped by their PIDs, also on failure;
//   parallel   the documented one-liner, `parallel sparseproj run plan.json --task {} ::: $(seq 0 N)`;
//   snakemake  examples/Snakefile, `snakemake --cores 2`.
// An engine whose package is absent (or SLURM without root) is skipped with the reason, never passed.
// Returns `{ output, total, passed, skipped }` (or `{ skip }` when every engine is skipped) for test/run-all.mjs.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";

const root = new URL("../../", import.meta.url).pathname;
/** A finite limit for a whole engine's run: generous, since the machine is shared; never a timing assertion. */
const LIMIT_SECONDS = 240;
const GRID = [
  "--folds",
  "2",
  "--seeds",
  "1",
  "--epochs",
  "3",
  "--hidden",
  "4",
  "--id-column",
  "id",
  "--radius",
  "0.5,2",
];
const TASKS = 6; // 3 settings (baseline and two radii) × 1 seed × 2 folds

const which = (command) => spawnSync("sh", ["-c", `command -v ${command}`], { encoding: "utf8" }).status === 0;
const missing = (commands) => commands.filter((c) => !which(c));

/** Runs `command` in `cwd` with our `sparseproj` first on PATH; throws with its output on a non-zero exit. */
function sh(command, cwd, env = {}) {
  const r = spawnSync("bash", ["-c", command], {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...env, PATH: `${join(cwd, "bin")}:${process.env.PATH}` },
    timeout: LIMIT_SECONDS * 1000,
  });
  if (r.status !== 0)
    throw new Error(`${command} exited ${r.status ?? r.signal}:\n${r.stdout.slice(-2000)}${r.stderr.slice(-2000)}`);
  return r.stdout;
}

/** A seeded table of two classes that differ in the first two features. */
function table() {
  let state = 2024;
  const random = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  const header = ["id", ...Array.from({ length: 6 }, (_, j) => `f${j + 1}`), "label"];
  const rows = Array.from({ length: 24 }, (_, i) => [
    `s${i + 1}`,
    ...Array.from({ length: 6 }, (_, j) => (random() * 2 + (j < 2 ? 3 * (i % 2) : 0)).toFixed(4)),
    "ab"[i % 2],
  ]);
  return `${[header, ...rows].map((r) => r.join(",")).join("\n")}\n`;
}

/** A folder with the table and a `sparseproj` on PATH (bin/), as a user who installed the package has. */
function workspace(name) {
  const dir = mkdtempSync(join(tmpdir(), `sparseproj-cluster-${name}-`));
  writeFileSync(join(dir, "data.csv"), table());
  mkdirSync(join(dir, "bin"));
  writeFileSync(join(dir, "bin", "sparseproj"), `#!/bin/sh\nexec '${process.execPath}' '${root}dist/cli.js' "$@"\n`);
  chmodSync(join(dir, "bin", "sparseproj"), 0o755);
  return dir;
}

const untimed = (text) => JSON.parse(text, (key, v) => (key === "secondsPerEpoch" ? undefined : v));
const untimedCsv = (text) =>
  text
    .trimEnd()
    .split("\n")
    .map((line) => line.slice(0, line.lastIndexOf(",")));

/** Throws unless folder `got` holds what `want` (sae's --out) holds, equal except timing fields. */
function sameReport(got, want) {
  if (!existsSync(join(got, "results.json"))) throw new Error(`${got} holds no results.json`);
  const names = readdirSync(want).sort();
  const gotNames = readdirSync(got).sort();
  if (names.join() !== gotNames.join()) throw new Error(`files differ: ${gotNames} vs ${names}`);
  for (const name of names) {
    const [a, b] = [readFileSync(join(got, name), "utf8"), readFileSync(join(want, name), "utf8")];
    const same = name.endsWith(".json")
      ? JSON.stringify(untimed(a)) === JSON.stringify(untimed(b))
      : name === "metrics.csv"
        ? untimedCsv(a).join("\n") === untimedCsv(b).join("\n")
        : a === b;
    if (!same) throw new Error(`${name} differs from sae's`);
  }
}

let referenceDir;

/** sae on one machine (once): the reference every engine's merged report is compared with. */
function reference() {
  if (!referenceDir) {
    const dir = workspace("reference");
    sh(`sparseproj sae data.csv ${GRID.join(" ")} --workers 1 --out single`, dir);
    referenceDir = dir;
  }
  return join(referenceDir, "single");
}

function planIn(dir) {
  const said = sh(`sparseproj plan data.csv ${GRID.join(" ")} -o plan.json`, dir);
  if (!said.includes(`${TASKS} tasks`)) throw new Error(`plan: expected ${TASKS} tasks; said ${said}`);
}

async function gnuParallel() {
  const absent = missing(["parallel"]);
  if (absent.length) return { skip: "GNU parallel is not installed (Debian package parallel)" };
  const dir = workspace("parallel");
  try {
    planIn(dir);
    // The documented one-liner (N = tasks − 1); stdin closed, as in a batch script.
    sh(`parallel sparseproj run plan.json --task {} ::: $(seq 0 ${TASKS - 1}) </dev/null`, dir);
    sh("sparseproj merge plan.json --out report", dir);
    sameReport(join(dir, "report"), reference());
    return { detail: `${TASKS} tasks by parallel, merged, equal to sae's report` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function snakemake() {
  if (missing(["snakemake"]).length) return { skip: "snakemake is not installed (Debian package snakemake)" };
  const dir = workspace("snakemake");
  try {
    const flags = GRID.join(" ");
    sh(`snakemake -s '${root}examples/Snakefile' --cores 2 --config data=data.csv flags="${flags}" </dev/null`, dir);
    sameReport(join(dir, "grid", "report"), reference());
    const results = readdirSync(join(dir, "grid", "plan-results")).filter((f) => f.startsWith("task-"));
    if (results.length !== TASKS) throw new Error(`${results.length} task results, not ${TASKS}`);
    return { detail: `examples/Snakefile: plan, ${TASKS} task jobs, merge; equal to sae's report` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A daemon started in the foreground, so that its PID is the one to stop. */
function daemon(command, args, dir, name, env) {
  const child = spawn(command, args, { cwd: dir, env, stdio: ["ignore", "ignore", "ignore"] });
  // A daemon that cannot start has no PID to stop; the wait for it to be ready then fails, naming it.
  child.on("error", () => {});
  const exited = new Promise((resolve) => child.once("exit", resolve));
  return { name, pid: child.pid, child, exited };
}

/** Stops the daemons we started, by PID, newest first: SIGTERM, then SIGKILL after a grace period. */
async function stop(daemons) {
  for (const d of [...daemons].reverse()) {
    if (d.pid === undefined || d.child.exitCode !== null || d.child.signalCode !== null) continue;
    process.kill(d.pid, "SIGTERM");
    const done = await Promise.race([d.exited.then(() => true), sleep(15_000).then(() => false)]);
    if (!done) process.kill(d.pid, "SIGKILL");
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Two free TCP ports for slurmctld and slurmd: the system's default ports may be another cluster's. */
async function freePorts() {
  const { createServer } = await import("node:net");
  const one = () =>
    new Promise((resolve) => {
      const server = createServer().listen(0, "127.0.0.1", () => {
        const { port } = server.address();
        server.close(() => resolve(port));
      });
    });
  return [await one(), await one()];
}

async function slurm() {
  const absent = missing(["munged", "munge", "slurmctld", "slurmd", "sbatch", "sinfo", "scontrol"]);
  if (absent.length) return { skip: `${absent.join(", ")} not installed (Debian packages slurm-wlm, munge)` };
  if (process.getuid?.() !== 0) return { skip: "a one-node SLURM cluster is started as root; this is not root" };
  const dir = workspace("slurm");
  const daemons = [];
  const host = hostname().split(".")[0];
  const conf = join(dir, "slurm.conf");
  const env = { ...process.env, SLURM_CONF: conf };
  try {
    // munge: a key of its own and a socket in the temporary folder, not the system's.
    const m = join(dir, "munge");
    mkdirSync(m, { mode: 0o700 });
    writeFileSync(join(m, "munge.key"), randomBytes(1024), { mode: 0o400 });
    const socket = join(m, "munge.socket");
    const files = ["key-file=munge.key", "socket=munge.socket", "pid-file=munged.pid", "log-file=munged.log"];
    const args = [...files, "seed-file=munged.seed"].map((f) => `--${f.replace("=", `=${m}/`)}`);
    daemons.push(daemon("munged", ["-F", "--force", ...args], dir, "munged", env));
    await until(() => existsSync(socket), 30, "munged's socket");
    const [ctldPort, dPort] = await freePorts();
    const memory = Math.floor(Number(/MemTotal:\s+(\d+)/.exec(readFileSync("/proc/meminfo", "utf8"))[1]) / 2048);
    const cpus = Number(sh("nproc", dir).trim());
    writeFileSync(
      conf,
      [
        "ClusterName=sparseprojtest",
        `SlurmctldHost=${host}`,
        `SlurmctldPort=${ctldPort}`,
        `SlurmdPort=${dPort}`,
        "AuthType=auth/munge",
        "CredType=cred/munge",
        `AuthInfo=socket=${socket}`,
        "SlurmUser=root",
        "SlurmdUser=root",
        `StateSaveLocation=${dir}/state`,
        `SlurmdSpoolDir=${dir}/spool`,
        `SlurmctldPidFile=${dir}/slurmctld.pid`,
        `SlurmdPidFile=${dir}/slurmd.pid`,
        `SlurmctldLogFile=${dir}/slurmctld.log`,
        `SlurmdLogFile=${dir}/slurmd.log`,
        "ProctrackType=proctrack/linuxproc",
        "TaskPlugin=task/none",
        "SelectType=select/cons_tres",
        "SelectTypeParameters=CR_Core",
        "MpiDefault=none",
        "ReturnToService=2",
        "AccountingStorageType=accounting_storage/none",
        "JobAcctGatherType=jobacct_gather/none",
        "JobCompType=jobcomp/none",
        `NodeName=${host} CPUs=${cpus} RealMemory=${memory} State=UNKNOWN`,
        `PartitionName=test Nodes=${host} Default=YES MaxTime=INFINITE State=UP`,
        "",
      ].join("\n"),
    );
    mkdirSync(join(dir, "state"));
    mkdirSync(join(dir, "spool"));
    daemons.push(daemon("slurmctld", ["-D", "-f", conf], dir, "slurmctld", env));
    daemons.push(daemon("slurmd", ["-D", "-f", conf], dir, "slurmd", env));
    await until(() => /idle/.test(sh("sinfo -h -o %T", dir, { SLURM_CONF: conf })), 60, "the node to be idle");

    planIn(dir);
    const submitted = JSON.parse(
      sh("sparseproj slurm plan.json --submit --max-parallel 2 --json", dir, { SLURM_CONF: conf }),
    );
    const state = () =>
      /JobState=(\w+)/.exec(sh(`scontrol show job ${submitted.mergeJob}`, dir, { SLURM_CONF: conf }))?.[1];
    let last;
    await until(
      () => /^(COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY)$/.test((last = state())),
      LIMIT_SECONDS,
      "the merge job",
    );
    if (last !== "COMPLETED") {
      const logs = readdirSync(join(dir, "plan-results")).filter((f) => f.endsWith(".out"));
      const tail = logs.map((f) => `${f}: ${readFileSync(join(dir, "plan-results", f), "utf8").slice(-300)}`);
      throw new Error(`merge job ${submitted.mergeJob} ended ${last}\n${tail.join("\n")}`);
    }
    sameReport(join(dir, "plan-report"), reference());
    return {
      detail:
        `array job ${submitted.arrayJob} (--array=${submitted.array}) and merge job ${submitted.mergeJob} ` +
        "(afterok) on a one-node SLURM; merged report equal to sae's",
    };
  } catch (error) {
    // Leave nothing queued or running on the cluster we are about to stop.
    if (existsSync(conf)) spawnSync("scancel", ["--user=root"], { env, stdio: "ignore" });
    const logs = ["slurmctld.log", "slurmd.log"].filter((f) => existsSync(join(dir, f)));
    error.message += logs.map((f) => `\n${f}: ${readFileSync(join(dir, f), "utf8").slice(-600)}`).join("");
    throw error;
  } finally {
    await stop(daemons);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Waits (polling each second) until `ready()` holds, at most `seconds`; throws naming `what` otherwise. */
async function until(ready, seconds, what) {
  for (let waited = 0; waited < seconds; waited++) {
    try {
      if (ready()) return;
    } catch {
      // Not up yet (sinfo before slurmctld listens, for example).
    }
    await sleep(1000);
  }
  throw new Error(`waited ${seconds} s for ${what}`);
}

const ENGINES = { parallel: gnuParallel, snakemake, slurm };

export async function runClusterSuite() {
  if (!existsSync(`${root}dist/cli.js`))
    return { output: "dist/cli.js is missing: run npm run build\n", total: 1, passed: 0 };
  let output = "";
  let passed = 0,
    total = 0,
    skipped = 0;
  const reasons = [];
  for (const [name, check] of Object.entries(ENGINES)) {
    try {
      const result = await check();
      if (result.skip) {
        skipped++;
        reasons.push(`${name}: ${result.skip}`);
        output += `  SKIP ${name}: ${result.skip}\n`;
      } else {
        total++;
        passed++;
        output += `  PASS ${name}: ${result.detail}\n`;
      }
    } catch (error) {
      total++;
      output += `  FAIL ${name}: ${error.message ?? error}\n`;
    }
  }
  if (referenceDir) rmSync(referenceDir, { recursive: true, force: true });
  if (total === 0) return { skip: reasons.join("; ") };
  return { output, total, passed, skipped };
}
