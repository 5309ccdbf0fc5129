// The command line against a hostile user: symbolic links planted where outputs go, devices and FIFOs as outputs,
// folders it cannot write, pipes closed early, negative and huge values, diverging training. Each test spawns
// `node dist/cli.js` in a temporary directory, like test/cli/cli.test.mjs; run by `node test/run-all.mjs cli`.
import { spawn, spawnSync } from "node:child_process";
import {
  closeSync,
  constants,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { assertCpuWithin, cliCpuIn } from "./helpers.mjs";

const root = new URL("../../", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "sparseproj-hardening-"));
const SAE = ["--folds", "2", "--seeds", "1", "--epochs", "2", "--hidden", "4", "--id-column", "id", "--workers", "1"];
const VAE = ["--epochs", "2", "--hidden", "4", "--latent", "2", "--samples", "3", "--id-column", "id"];
// A run that would take minutes if it trained: a check that must come first answers for about the CPU time of
// node starting (`--help`'s, 0.43 s; a refusal here is ~1.1 of it), not the minutes of training.
const FOREVER = ["--epochs", "1000000"];
// A finite limit for any command here, generous since the machine is shared; never a timing assertion.
const HANG_MS = 120_000;
const cliCpu = cliCpuIn(dir, { timeout: HANG_MS });

function cli(args, options = {}) {
  const spawned = { cwd: dir, encoding: "utf8", timeout: HANG_MS, ...options };
  const { status, signal, stdout, stderr } = spawnSync(process.execPath, [`${root}dist/cli.js`, ...args], spawned);
  return { status, signal, stdout, stderr };
}

/** Runs a command that must stop before any work: asserts its CPU time is about node starting, not training. */
function refusedAtOnce(args) {
  const r = cliCpu(...args);
  if (r.signal === null) assertCpuWithin(r, 4, `${args.join(" ")}: the check before any work`);
  return r;
}

/** Asserts a failure: the exit code, one line on stderr holding each of `says`, nothing on stdout. */
function fails(r, status, says) {
  assert.is(r.signal, null, `ended by ${r.signal} (it should have stopped at once): ${r.stderr}`);
  assert.is(r.status, status, r.stderr);
  assert.is(r.stdout, "");
  const lines = r.stderr.trimEnd().split("\n");
  assert.is(lines.length, 1, `one line: ${r.stderr}`);
  for (const part of says) assert.ok(lines[0].includes(part), `${JSON.stringify(lines[0])} should say ${part}`);
}

// 16 samples of two classes, 4 features, an id column.
let state = 7;
const random = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
const rows = Array.from({ length: 16 }, (_, i) => {
  const values = [0, 1, 2, 3].map((j) => (random() * 2 + (j < 2 ? 3 * (i % 2) : 0)).toFixed(3));
  return [`s${i}`, ...values, "ab"[i % 2]];
});
writeFileSync(join(dir, "t.csv"), ["id,f1,f2,f3,f4,label", ...rows.map((r) => r.join(","))].join("\n") + "\n");
const model = cli(["sae", "t.csv", ...SAE, "--save", "m.json"]);
assert.is(model.status, 0, model.stderr);

const partials = () => readdirSync(dir).filter((name) => name.includes(".partial"));

// The parser's cases are in parse.test.mjs (in-process); these check the whole line and exit code once per command.
test("negative values say the value must be ≥ 0; a missing value still says so", () => {
  fails(cli(["sae", "t.csv", ...SAE, "--radius", "-1"]), 2, ["--radius must be a number ≥ 0", '"-1"']);
  fails(cli(["vae", "t.csv", ...VAE, "--lambda", "-1"]), 2, ["--lambda must be a number ≥ 0", '"-1"']);
  const generate = ["generate", "m.json", "t.csv", "--id-column", "id"];
  fails(cli([...generate, "--bandwidth", "-1"]), 2, ["--bandwidth must be a number > 0", '"-1"']);
  fails(cli(["sae", "t.csv", ...SAE, "--lr"]), 2, ["sparseproj sae: --lr needs a value"]);
  fails(cli(["vae", "t.csv", ...VAE, "--lr", "--json"]), 2, ["sparseproj vae: --lr needs a value"]);
});

test("planted symbolic links at temporary names are never written through", () => {
  const victim = join(dir, "victim.txt");
  writeFileSync(victim, "precious");
  // The names the old writer used for the next process ids: whoever can write the folder could plant them.
  const last = Number(readFileSync("/proc/sys/kernel/ns_last_pid", "utf8"));
  for (let pid = last + 1; pid < last + 400; pid++) {
    symlinkSync(victim, join(dir, `.planted.csv.partial-${pid}`));
    symlinkSync(victim, join(dir, `.planted.json.partial-${pid}`));
  }
  const r = cli(["vae", "t.csv", ...VAE, "--out", "planted.csv", "--save", "planted.json"]);
  assert.is(r.status, 0, r.stderr);
  assert.is(readFileSync(victim, "utf8"), "precious");
  assert.ok(lstatSync(join(dir, "planted.csv")).isFile());
  assert.match(readFileSync(join(dir, "planted.csv"), "utf8"), /^f1,f2,f3,f4\n/);
  for (const name of partials()) rmSync(join(dir, name));
});

test("a FIFO, a device and a link to one are written in place, never replaced", () => {
  spawnSync("mkfifo", [join(dir, "fifo")]);
  // Read and write ends held here, so opening it does not wait and what the command writes stays readable.
  const fifo = openSync(join(dir, "fifo"), constants.O_RDWR | constants.O_NONBLOCK);
  try {
    const r = cli(["generate", "m.json", "t.csv", "--id-column", "id", "--samples", "2", "--out", "fifo"]);
    assert.is(r.status, 0, r.stderr);
    assert.ok(lstatSync(join(dir, "fifo")).isFIFO(), "still a FIFO");
    const buffer = Buffer.alloc(65536);
    assert.match(buffer.subarray(0, readSync(fifo, buffer)).toString(), /^f1,f2,f3,f4,label\n/);
  } finally {
    closeSync(fifo);
  }
  // A character device of our own (the null device's numbers): the system's /dev/null is not put at risk.
  spawnSync("mknod", [join(dir, "null"), "c", "1", "3"]);
  if (existsSync(join(dir, "null"))) {
    assert.is(cli(["vae", "t.csv", ...VAE, "--out", "null", "--save", "null"]).status, 0);
    assert.ok(lstatSync(join(dir, "null")).isCharacterDevice(), "still a device");
  }
  // What -o /dev/stdout is: a link to the standard output, a socket to this test, then a pipe, then a file.
  symlinkSync("/proc/self/fd/1", join(dir, "stdout-link"));
  const generate = "generate m.json t.csv --id-column id --samples 2 --out stdout-link";
  const r = cli(generate.split(" "));
  assert.is(r.status, 0, r.stderr);
  assert.ok(lstatSync(join(dir, "stdout-link")).isSymbolicLink(), "the link is kept");
  assert.match(r.stdout, /^f1,f2,f3,f4,label\n/);
  const shell = (line) => spawnSync("sh", ["-c", `"${process.execPath}" "${root}dist/cli.js" ${line}`], { cwd: dir });
  const piped = shell(`${generate} | cat`);
  assert.match(String(piped.stdout), /^f1,f2,f3,f4,label\n/, String(piped.stderr));
  const redirected = shell(`${generate} > redirected.txt`);
  assert.is(redirected.status, 0, String(redirected.stderr));
  assert.match(readFileSync(join(dir, "redirected.txt"), "utf8"), /^f1,f2,f3,f4,label\n(.*\n){4}class/);
  assert.ok(lstatSync(join(dir, "stdout-link")).isSymbolicLink(), "the link is kept");
  assert.is(partials().length, 0);
});

test("- writes the result on stdout and the report on stderr", () => {
  const r = cli(["vae", "t.csv", ...VAE, "--out", "-"]);
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout.split("\n")[0], "f1,f2,f3,f4");
  assert.is(r.stdout.trimEnd().split("\n").length, 4);
  assert.match(r.stderr, /training rows: loss/);
  const saved = cli(["sae", "t.csv", ...SAE, "--save", "-", "--json"]);
  assert.is(saved.status, 0, saved.stderr);
  assert.is(JSON.parse(saved.stdout).format, "sparseproj-sae");
  assert.ok(Array.isArray(JSON.parse(saved.stderr).runs));
  fails(cli(["vae", "t.csv", ...VAE, "--out", "-", "--save", "-"]), 2, ["--out", "--save", "- (stdout)"]);
});

test("a symbolic link or a folder as the output is refused before any work", () => {
  writeFileSync(join(dir, "kept.csv"), "kept");
  symlinkSync(join(dir, "kept.csv"), join(dir, "link.csv"));
  fails(refusedAtOnce(["vae", "t.csv", ...VAE, ...FOREVER, "--out", "link.csv"]), 1, ["link.csv", "symbolic link"]);
  assert.is(readFileSync(join(dir, "kept.csv"), "utf8"), "kept");
  symlinkSync(join(dir, "nowhere"), join(dir, "dangling.json"));
  fails(refusedAtOnce(["sae", "t.csv", ...SAE, ...FOREVER, "--save", "dangling.json"]), 1, ["dangling.json", "link"]);
  assert.not.ok(existsSync(join(dir, "nowhere")));
  mkdirSync(join(dir, "afolder"));
  fails(cli(["generate", "m.json", "t.csv", "--id-column", "id", "--out", "afolder"]), 1, ["afolder", "folder"]);
  mkdirSync(join(dir, "real-out"));
  symlinkSync(join(dir, "real-out"), join(dir, "out-link"));
  fails(refusedAtOnce(["sae", "t.csv", ...SAE, ...FOREVER, "--out", "out-link"]), 1, ["out-link", "symbolic link"]);
});

test("an output folder that is missing or cannot be written is found before training, and named", () => {
  const cases = [
    [["sae", "t.csv", ...SAE, ...FOREVER, "--out", "/proc/x"], "/proc/x"],
    [["sae", "t.csv", ...SAE, ...FOREVER, "--save", "/proc/x.json"], "/proc/x.json"],
    [["sae", "t.csv", ...SAE, ...FOREVER, "--out", "t.csv/x"], "t.csv is not a folder"],
    [["vae", "t.csv", ...VAE, ...FOREVER, "--out", "/proc/x.csv"], "/proc/x.csv"],
    [["generate", "m.json", "t.csv", "--id-column", "id", "--out", "nodir/x.csv"], "nodir/x.csv"],
  ];
  for (const [args, path] of cases) {
    const r = refusedAtOnce(args);
    fails(r, 1, [path]);
    assert.not.ok(r.stderr.includes(".partial"), `names the argument, not a temporary: ${r.stderr}`);
  }
  // A folder output's missing parents are created, as examples/demo.mjs's results/demo relies on.
  assert.is(cli(["sae", "t.csv", ...SAE, "--out", "made/here"]).status, 0);
  assert.ok(existsSync(join(dir, "made", "here", "results.json")));
});

test("a closed stdout pipe ends the command quietly with 141 (128 + SIGPIPE)", async () => {
  const runs = [
    ["predict", "m.json", "t.csv", "--id-column", "id"],
    ["generate", "m.json", "t.csv", "--id-column", "id", "--samples", "2"],
    ["vae", "t.csv", ...VAE, "--out", "-"],
    ["sae", "--help"],
  ];
  for (const args of runs) {
    const stdio = ["ignore", "pipe", "pipe"];
    const child = spawn(process.execPath, [`${root}dist/cli.js`, ...args], { cwd: dir, stdio });
    child.stdout.destroy(); // the reader is gone before the command prints anything
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const status = await new Promise((resolve) => child.on("close", resolve));
    assert.is(status, 141, `${args.join(" ")}: ${stderr}`);
    assert.not.match(stderr, /EPIPE|Error|\n\s+at /, args.join(" "));
  }
});

// Exit code 1, like other settings this table cannot be trained with: the input layer is its features.
test("a network too large for WebAssembly memory is refused in one line naming the flag", () => {
  fails(cli(["sae", "t.csv", ...SAE, "--hidden", "1000000000"]), 1, ["--hidden", "GB"]);
  fails(cli(["vae", "t.csv", ...VAE, "--hidden", "40000,40000"]), 1, ["--hidden", "GB"]);
});

test("diverging training is one line naming the epoch and suggesting a lower rate, in workers too", () => {
  const says = ["diverged", "epoch", "--lr"];
  fails(cli(["sae", "t.csv", ...SAE, "--lr", "1e30"]), 1, says);
  fails(cli(["sae", "t.csv", ...SAE, "--lambda", "1e308", "--workers", "2"]), 1, [...says, "fold"]);
  fails(cli(["vae", "t.csv", ...VAE, "--lr", "1e30"]), 1, says);
  assert.is(partials().length, 0);
});

test("vae --json prints the losses as numbers", () => {
  const r = cli(["vae", "t.csv", ...VAE, "--json"]);
  assert.is(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  for (const part of [report.train, report.heldOut]) {
    assert.equal(Object.keys(part).sort(), ["latent", "loss", "reconstruction"]);
    for (const value of Object.values(part)) assert.type(value, "number");
  }
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
