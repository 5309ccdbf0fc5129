// `sparseproj project` on row-block shards (.npy) and the .npy reader/writer, against numpy: numpy writes the
// matrices and reads the results (the reference reader and writer), and the staged projection of the shards
// equals the one-shot ℓ1,∞ projection bit for bit. Skipped, saying so, where Debian's numpy is absent.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { bilevelL1Inf, bilevelL12, formatNpy, parseNpy } from "../../dist/index.js";
import { assertOneLineError, cliIn, scratchDir } from "./helpers.mjs";

const dir = scratchDir("project");
const cli = cliIn(dir);
const PYTHON = "/usr/bin/python3";
const python = (code) => spawnSync(PYTHON, ["-c", code], { cwd: dir, encoding: "utf8" });
const numpy = existsSync(PYTHON) && python("import numpy").status === 0;

/** Runs numpy code in the scratch folder; throws with its stderr on failure. */
function py(code) {
  const r = python(`import numpy as np\n${code}`);
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout;
}

/** The stages over `shards` (file names), as separate processes: norms each, reduce once, apply each. */
function staged(shards, radius, norm = "inf") {
  for (const [k, shard] of shards.entries()) {
    const r = cli("project", "--stage", "norms", "--norm", norm, shard, "-o", `partials-${k}.npy`);
    assert.is(r.status, 0, r.stderr);
  }
  const partials = shards.map((_, k) => `partials-${k}.npy`);
  const reduced = cli(
    "project",
    "--stage",
    "reduce",
    "--norm",
    norm,
    "--radius",
    String(radius),
    ...partials,
    "-o",
    "u.npy",
  );
  assert.is(reduced.status, 0, reduced.stderr);
  for (const [k, shard] of shards.entries()) {
    const r = cli("project", "--stage", "apply", "--norm", norm, shard, "--thresholds", "u.npy", "-o", `out-${k}.npy`);
    assert.is(r.status, 0, r.stderr);
  }
  return shards.map((_, k) => `out-${k}.npy`);
}

/** A raw little-endian file of `dtype` as a typed array: read without any .npy reader. */
function raw(name, dtype) {
  const bytes = readFileSync(join(dir, name));
  const Type = dtype === "float32" ? Float32Array : Float64Array;
  return new Type(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
}

if (!numpy) {
  console.log(`SKIPPED project.test.mjs: ${PYTHON} with numpy is absent (Debian package python3-numpy)`);
} else {
  for (const dtype of ["float32", "float64"]) {
    test(`ℓ1,∞ on 3 uneven ${dtype} row shards equals the one-shot projection bit for bit`, () => {
      // Signed values with ties in the column maxima, and a zero column.
      py(`rng = np.random.default_rng(7)
x = np.round(rng.standard_normal((101, 9)) * 3, 1).astype("${dtype}")
x[:, 4] = 0
x.tofile("matrix.bin")
for k, (a, b) in enumerate([(0, 10), (10, 77), (77, 101)]):
    np.save(f"shard-{k}.npy", x[a:b])`);
      const matrix = raw("matrix.bin", dtype);
      const outputs = staged(["shard-0.npy", "shard-1.npy", "shard-2.npy"], 4.5);
      // numpy reads the results (the reference reader) and writes their raw bytes.
      py(`x = np.concatenate([np.load(f) for f in ${JSON.stringify(outputs)}])
assert x.dtype == np.${dtype} and x.shape == (101, 9), (x.dtype, x.shape)
x.tofile("projected.bin")`);
      const projected = raw("projected.bin", dtype);
      const oneShot = bilevelL1Inf(matrix, 101, 9, 4.5);
      assert.ok(
        projected.every((v, i) => Object.is(v, oneShot[i])),
        "the staged result differs from the one-shot",
      );
      assert.ok(
        projected.some((v, i) => v !== matrix[i]),
        "the radius is small enough to change the matrix",
      );
    });
  }

  test("ℓ1,2 through the stages is the one-shot projection to float64 rounding", () => {
    py(`rng = np.random.default_rng(3)
x = rng.standard_normal((50, 6))
x.tofile("m2.bin")
np.save("a.npy", x[:20]); np.save("b.npy", x[20:])`);
    const outputs = staged(["a.npy", "b.npy"], 1.5, "2");
    py(`np.concatenate([np.load(f) for f in ${JSON.stringify(outputs)}]).tofile("p2.bin")`);
    const oneShot = bilevelL12(raw("m2.bin", "float64"), 50, 6, 1.5);
    const got = raw("p2.bin", "float64");
    assert.ok(got.every((v, i) => Math.abs(v - oneShot[i]) <= 1e-12 * (1 + Math.abs(oneShot[i]))));
  });

  test(".npy: numpy's files read, and written back byte for byte as numpy.save writes them", () => {
    py(`rng = np.random.default_rng(1)
for name, a in {"f8": rng.standard_normal((3, 4)), "f4": rng.standard_normal((5, 2)).astype(np.float32),
                "vec": np.arange(7.0), "wide": np.zeros((1, 300)), "long": np.ones((12345678, 0)),
                "special": np.array([[np.nan, np.inf], [-np.inf, -0.0]])}.items():
    np.save(name + ".npy", a)
    a.astype(a.dtype.newbyteorder(">")).tofile(name + ".raw-be")
big = np.arange(6.0).reshape(2, 3).astype(">f8"); np.save("big.npy", big)
with open("v2.npy", "wb") as f: np.lib.format.write_array(f, np.arange(4.0).reshape(2, 2), version=(2, 0))`);
    for (const name of ["f8", "f4", "vec", "wide", "long", "special"]) {
      const bytes = new Uint8Array(readFileSync(join(dir, `${name}.npy`)));
      const array = parseNpy(bytes);
      assert.equal(formatNpy(array), bytes, `${name}: written back as numpy writes it`);
    }
    const special = parseNpy(new Uint8Array(readFileSync(join(dir, "special.npy"))));
    assert.ok(Number.isNaN(special.data[0]) && special.data[1] === Infinity && Object.is(special.data[3], -0));
    assert.equal(parseNpy(new Uint8Array(readFileSync(join(dir, "big.npy")))), {
      data: Float64Array.from([0, 1, 2, 3, 4, 5]),
      shape: [2, 3],
    });
    assert.equal(parseNpy(new Uint8Array(readFileSync(join(dir, "v2.npy")))).shape, [2, 2]);
    // And numpy reads what formatNpy writes.
    writeFileSync(join(dir, "ours.npy"), formatNpy({ data: Float32Array.from([1.5, -2, 3.25, 0]), shape: [2, 2] }));
    assert.is(
      py(`a = np.load("ours.npy"); print(a.dtype, a.shape, a.tolist())`).trim(),
      "float32 (2, 2) [[1.5, -2.0], [3.25, 0.0]]",
    );
  });

  test("bad .npy files and flags: one line naming the file, nothing written", () => {
    py(`np.save("ints.npy", np.arange(6).reshape(2, 3))
np.save("fortran.npy", np.asfortranarray(np.ones((2, 3))))
np.save("cube.npy", np.ones((2, 2, 2)))
np.save("ok.npy", np.ones((4, 3)))
open("short.npy", "wb").write(open("ok.npy", "rb").read()[:-8])
head = open("ok.npy", "rb").read()[:10]
open("huge-header.npy", "wb").write(b"\\x93NUMPY\\x02\\x00" + (2**31).to_bytes(4, "little"))
evil = b"{'descr': __import__('os').system('true'), 'fortran_order': False, 'shape': (1,), }"
open("evil.npy", "wb").write(b"\\x93NUMPY\\x01\\x00" + len(evil).to_bytes(2, "little") + evil + bytes(8))
open("text.npy", "w").write("a,b\\n1,2\\n")`);
    const cases = [
      ["ints.npy", /ints\.npy: dtype "<i8" is not float32/],
      ["fortran.npy", /fortran\.npy: Fortran-ordered arrays are not read/],
      ["cube.npy", /cube\.npy: shape \(2, 2, 2\) is not a vector or a matrix/],
      ["short.npy", /short\.npy: shape \(4, 3\) needs 96 bytes of data; the file has 88/],
      ["huge-header.npy", /huge-header\.npy: header length 2147483648 is beyond the file/],
      ["evil.npy", /evil\.npy: the header .* is not numpy's/],
      ["text.npy", /text\.npy: not a \.npy file/],
      ["missing.npy", /missing\.npy: cannot read the file: no such file/],
    ];
    for (const [file, says] of cases) {
      assertOneLineError(cli("project", "--stage", "norms", file, "-o", "never.npy"), says);
      assert.not.ok(existsSync(join(dir, "never.npy")), file);
    }
    cli("project", "--stage", "norms", "ok.npy", "-o", "p-ok.npy");
    assertOneLineError(
      cli("project", "--stage", "reduce", "--radius", "1", "p-ok.npy", "ok.npy", "-o", "never.npy"),
      /ok\.npy: is a 2-D array \(4 × 3\); a shard's partials/,
    );
    py(`np.save("u-bad.npy", np.ones((2, 5)))`);
    assertOneLineError(
      cli("project", "--stage", "apply", "ok.npy", "--thresholds", "u-bad.npy", "-o", "never.npy"),
      /u-bad\.npy: is 2 × 5; ok\.npy needs 2 × 3/,
    );
    for (const args of [
      ["--stage", "mean", "ok.npy", "-o", "x.npy"],
      ["--stage", "norms", "ok.npy"],
      ["--stage", "norms", "ok.npy", "ok.npy", "-o", "x.npy"],
      ["--stage", "reduce", "p-ok.npy", "-o", "x.npy"],
      ["--stage", "apply", "ok.npy", "-o", "x.npy"],
      ["--stage", "norms", "--norm", "3", "ok.npy", "-o", "x.npy"],
    ])
      assert.is(cli("project", ...args).status, 2, args.join(" "));
    assert.not.ok(existsSync(join(dir, "never.npy")));
  });
}

test("parseNpy and formatNpy refuse what is not an array", () => {
  assert.throws(() => parseNpy("x"), /bytes must be a Uint8Array/);
  assert.throws(() => formatNpy({ data: [1, 2], shape: [2] }), /array\.data must be a Float32Array or Float64Array/);
  assert.throws(() => formatNpy({ data: new Float64Array(3), shape: [2, 2] }), /does not hold the 3 values/);
  assert.throws(() => parseNpy(new Uint8Array(4), "x.npy"), /x\.npy: not a \.npy file/);
});

test.run();
