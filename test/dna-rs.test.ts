// Reed–Solomon over GF(256) against a slow textbook reference (bitwise field multiplication, the generator as a
// product of (x − α^j), encoding as the remainder of a long division, syndromes by direct evaluation), a published
// vector, and random error and erasure patterns up to the correction capacity (always corrected) and beyond it
// (reported failure, or another codeword: never a word that is not one).
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { rsDecode, rsEncode } from "../src/dna/index.ts";
import { Generator } from "../src/random.ts";

const test = suite("dna: Reed–Solomon over GF(256)");

/** a·b in GF(2⁸) mod x⁸ + x⁴ + x³ + x² + 1, shift and add: no tables. */
function slowMul(a: number, b: number): number {
  let product = 0;
  for (let i = 0; i < 8; i++) if ((b >> i) & 1) product ^= a << i;
  for (let bit = 14; bit >= 8; bit--) if ((product >> bit) & 1) product ^= 0x11d << (bit - 8);
  return product;
}

function slowPow(a: number, e: number): number {
  let y = 1;
  for (let i = 0; i < e; i++) y = slowMul(y, a);
  return y;
}

/** Evaluates a polynomial given highest degree first. */
function slowEval(p: ArrayLike<number>, x: number): number {
  let y = 0;
  for (let i = 0; i < p.length; i++) y = slowMul(y, x) ^ p[i];
  return y;
}

/** The systematic codeword by long division of m(x)·x^p by Π_{j<p} (x − α^j). */
function slowEncode(message: Uint8Array, parity: number): Uint8Array {
  let g = [1];
  for (let j = 0; j < parity; j++) {
    const root = slowPow(2, j);
    const next = new Array(g.length + 1).fill(0);
    g.forEach((c, i) => {
      next[i] ^= c;
      next[i + 1] ^= slowMul(c, root);
    });
    g = next;
  }
  const remainder = [...message, ...new Array(parity).fill(0)];
  for (let i = 0; i < message.length; i++) {
    const c = remainder[i];
    for (let j = 0; j < g.length; j++) remainder[i + j] ^= slowMul(g[j], c);
  }
  return Uint8Array.from([...message, ...remainder.slice(message.length)]);
}

const isCodeword = (c: Uint8Array, parity: number) =>
  Array.from({ length: parity }, (_, j) => slowEval(c, slowPow(2, j))).every((s) => s === 0);

function randomBytes(g: Generator, n: number): Uint8Array {
  return Uint8Array.from({ length: n }, () => g.int(256));
}

test("the encoder matches the slow reference, and its codewords vanish at α⁰ … α^(p−1)", () => {
  const g = new Generator(1);
  for (let trial = 0; trial < 300; trial++) {
    const parity = g.int(33);
    const message = randomBytes(g, g.int(256 - parity));
    const codeword = rsEncode(message, parity);
    assert.equal(Array.from(codeword), Array.from(slowEncode(message, parity)), `k ${message.length}, p ${parity}`);
    assert.ok(isCodeword(codeword, parity));
  }
});

test("a published vector: the 'hello world' QR example (Wikiversity, Reed–Solomon codes for coders)", () => {
  const message = Uint8Array.from([
    0x40, 0xd2, 0x75, 0x47, 0x76, 0x17, 0x32, 0x06, 0x27, 0x26, 0x96, 0xc6, 0xc6, 0x96, 0x70, 0xec,
  ]);
  const parity = [0xbc, 0x2a, 0x90, 0x13, 0x6b, 0xaf, 0xef, 0xfd, 0x4b, 0xe0];
  assert.equal(Array.from(rsEncode(message, 10).subarray(16)), parity);
});

test("random errors and erasures within 2·errors + erasures ≤ parity are all corrected", () => {
  const g = new Generator(2);
  for (let trial = 0; trial < 1500; trial++) {
    const parity = 1 + g.int(20);
    const message = randomBytes(g, 1 + g.int(255 - parity));
    const codeword = rsEncode(message, parity);
    const n = codeword.length;
    const erasures = Math.min(n, g.int(parity + 1));
    const errors = Math.min(n - erasures, g.int(Math.floor((parity - erasures) / 2) + 1));
    const positions = Array.from(g.permutation(n).subarray(0, erasures + errors));
    const received = codeword.slice();
    const erased = positions.slice(0, erasures);
    for (const i of erased) received[i] = g.int(256);
    for (const i of positions.slice(erasures)) received[i] ^= 1 + g.int(255);
    const copy = received.slice();
    const decoded = rsDecode(received, parity, erased);
    assert.ok(decoded, `k ${message.length}, p ${parity}, ${errors} errors, ${erasures} erasures`);
    assert.equal(Array.from(decoded!.codeword), Array.from(codeword));
    assert.is(decoded!.errors, errors);
    assert.equal(Array.from(received), Array.from(copy), "the input is not modified");
  }
});

test("beyond capacity: failure reported, or a codeword at most parity/2 away — never a non-codeword", () => {
  const g = new Generator(3);
  let failures = 0;
  for (let trial = 0; trial < 1500; trial++) {
    const parity = 2 + g.int(12);
    const message = randomBytes(g, 1 + g.int(60));
    const codeword = rsEncode(message, parity);
    const n = codeword.length;
    const errors = Math.min(n, Math.floor(parity / 2) + 1 + g.int(6));
    const received = codeword.slice();
    for (const i of g.permutation(n).subarray(0, errors)) received[i] ^= 1 + g.int(255);
    const decoded = rsDecode(received, parity);
    if (!decoded) {
      failures++;
      continue;
    }
    assert.ok(isCodeword(decoded.codeword, parity), "a result is a codeword");
    let distance = 0;
    for (let i = 0; i < n; i++) distance += decoded.codeword[i] !== received[i] ? 1 : 0;
    assert.ok(distance <= parity / 2, `a result is within the decoding radius (${distance})`);
  }
  assert.ok(failures > 1300, `most overloads are reported: ${failures} of 1500`);
});

test("more erasures than parity is a failure; bad arguments are named", () => {
  const codeword = rsEncode(Uint8Array.of(1, 2, 3), 2);
  assert.is(rsDecode(codeword, 2, [0, 1, 2]), null);
  assert.ok(rsDecode(codeword, 2, [0, 1]));
  assert.throws(() => rsEncode(new Uint8Array(250), 6), /at most 255 bytes/);
  assert.throws(() => rsEncode([1, 2] as unknown as Uint8Array, 2), /message must be a Uint8Array/);
  assert.throws(() => rsDecode(codeword, 2, [5]), /erasures\[0\] must be an index in 0\.\.4/);
  assert.throws(() => rsDecode(codeword, 1.5), /parity must be an integer/);
});

test.run();
