import { suite } from "uvu";
import * as assert from "uvu/assert";
import {
  codeLengths,
  CODE_KINDS,
  decodeDna,
  DnaFormatError,
  encodeDna,
  entropy4,
  histogram,
  kraftSum,
  meanLength,
  PrefixCode,
  runLengthCapacity,
  type CodeKind,
  type Histogram,
} from "../src/dna/index.ts";
import { Generator } from "../src/random.ts";

const test = suite("dna: quaternary codes");

/** A discretised Laplacian of scale b: what an autoencoder's quantized latent looks like. */
function laplacian(n: number, b: number, seed: number): Int32Array {
  const g = new Generator(seed);
  return Int32Array.from({ length: n }, () => {
    const u = g.random() - 0.5;
    return Math.round(-b * Math.sign(u) * Math.log(1 - 2 * Math.abs(u)));
  });
}

function randomBytes(n: number, seed: number): Uint8Array {
  const g = new Generator(seed);
  return Uint8Array.from({ length: n }, () => g.int(256));
}

/** Random histograms of three shapes (flat, power-skewed, geometric), 1 to 300 symbols. */
function randomHistograms(count: number, seed: number): Histogram[] {
  const g = new Generator(seed);
  return Array.from({ length: count }, (_, t) => {
    const n = 1 + g.int(t % 2 ? 12 : 300);
    const rate = 3 * g.random();
    return new Map(
      Array.from({ length: n }, (_, s) => [
        s,
        t % 3 === 0
          ? 1 + g.int(100)
          : t % 3 === 1
            ? 1 + Math.floor(1000 * g.random() ** 4)
            : Math.max(1, Math.round(1e6 * 0.5 ** (s * rate))),
      ]),
    );
  });
}

const LAPLACIAN_SCALES = [1, 2, 4, 8, 16];
const meanOf = (h: Histogram, kind: CodeKind) => meanLength(h, codeLengths(h, kind));

test("Kraft's inequality, and H₄ ≤ L < H₄ + 1 for Huffman and Shannon, on random histograms", () => {
  for (const h of randomHistograms(600, 1)) {
    const H = entropy4(h);
    for (const kind of CODE_KINDS) {
      const lengths = codeLengths(h, kind);
      assert.is(lengths.size, h.size);
      assert.ok(kraftSum(lengths) <= 1 + 1e-12, `${kind}: Kraft sum ${kraftSum(lengths)}`);
      const L = meanLength(h, lengths);
      assert.ok(L >= H - 1e-12, `${kind}: L ${L} < H₄ ${H}`);
      if (kind !== "shannon-fano") assert.ok(L < H + 1, `${kind}: L ${L} ≥ H₄ + 1 = ${H + 1}`);
    }
  }
});

test("Huffman is never longer than Shannon–Fano nor Shannon lengths", () => {
  for (const h of randomHistograms(600, 2)) {
    const huffman = meanOf(h, "huffman");
    assert.ok(huffman <= meanOf(h, "shannon-fano") + 1e-12);
    assert.ok(huffman <= meanOf(h, "shannon") + 1e-12);
  }
});

test(
  "Shannon–Fano's gap, measured: " +
    "below 1 on random histograms (not proven for base 4), below 0.40 on Laplacian ones",
  () => {
    let worst = 0;
    for (const h of randomHistograms(600, 3)) worst = Math.max(worst, meanOf(h, "shannon-fano") - entropy4(h));
    assert.ok(worst < 1, `worst random gap ${worst}`);
    for (const b of LAPLACIAN_SCALES) {
      const h = histogram(laplacian(50_000, b, b));
      const gap = meanOf(h, "shannon-fano") - entropy4(h);
      assert.ok(gap < 0.4, `b = ${b}: Shannon–Fano gap ${gap}`);
    }
  },
);

test("Huffman within 0.10 nucleotides per symbol of H₄ on Laplacian latents", () => {
  for (const b of LAPLACIAN_SCALES) {
    const h = histogram(laplacian(50_000, b, b));
    const gap = meanOf(h, "huffman") - entropy4(h);
    assert.ok(gap < 0.1, `b = ${b}: Huffman gap ${gap}`);
  }
});

test("edge histograms: empty, one symbol (empty codeword), four equiprobable symbols (one digit each)", () => {
  for (const kind of CODE_KINDS) {
    assert.is(codeLengths(new Map(), kind).size, 0);
    assert.equal([...codeLengths(new Map([[5, 9]]), kind)], [[5, 0]]);
    assert.equal(
      [
        ...codeLengths(
          new Map([
            [0, 3],
            [1, 3],
            [2, 3],
            [3, 3],
          ]),
          kind,
        ).values(),
      ],
      [1, 1, 1, 1],
    );
    const uniform = new Map(Array.from({ length: 256 }, (_, s) => [s, 1]));
    assert.ok(
      [...codeLengths(uniform, kind).values()].every((l) => l === 4),
      `${kind}: 256 equiprobable symbols take 4 nt`,
    );
  }
});

test("PrefixCode: canonical codewords are prefix-free, and lengths breaking Kraft are refused", () => {
  const code = new PrefixCode(
    new Map([
      [10, 1],
      [11, 1],
      [12, 2],
      [13, 2],
      [14, 3],
    ]),
  );
  const words = [10, 11, 12, 13, 14].map((s) => Array.from(code.codeword(s)!).join(""));
  assert.equal(words, ["0", "1", "20", "21", "220"]);
  for (const a of words) for (const b of words) if (a !== b) assert.not.ok(b.startsWith(a));
  assert.throws(
    () =>
      new PrefixCode(
        new Map([
          [0, 1],
          [1, 1],
          [2, 1],
          [3, 1],
          [4, 1],
        ]),
      ),
    RangeError,
  );
  assert.throws(
    () =>
      new PrefixCode(
        new Map([
          [0, 0],
          [1, 1],
        ]),
      ),
    RangeError,
  );
});

/** Every oligo line of a constrained .dna text, checked independently of the library's checker. */
function checkOligos(text: string, oligo: number): void {
  for (const line of text.trimEnd().split("\n").slice(1)) {
    assert.is(line.length, oligo);
    assert.not.ok(/A{4}|C{4}|G{4}|T{4}/.test(line), `homopolymer over 3 in ${line}`);
    const gc = line.replace(/[AT]/g, "").length;
    assert.ok(gc >= 0.4 * oligo && gc <= 0.6 * oligo, `GC ${gc}/${oligo}`);
  }
}

const INPUTS: Array<[string, Uint8Array | Int32Array]> = [
  ["empty", new Uint8Array(0)],
  ["one byte", new Uint8Array([42])],
  ["one symbol repeated", new Uint8Array(500).fill(7)],
  ["256 distinct bytes", Uint8Array.from({ length: 256 }, (_, i) => i)],
  ["all bytes equiprobable", randomBytes(5000, 4)],
  ["very skewed", Uint8Array.from({ length: 5000 }, (_, i) => (i % 997 === 0 ? i % 251 : 0))],
  ["text", new TextEncoder().encode("Quaternary coding for DNA storage: A, C, G, T. ".repeat(40))],
  ["a Laplacian latent", laplacian(3000, 4, 5)],
  ["extreme integers", Int32Array.from([-(2 ** 31), 2 ** 31 - 1, 0, -1, -(2 ** 31), 5])],
];

test("round trips: each input, code and mode decodes to exactly its input; constrained oligos meet both limits", () => {
  for (const [name, data] of INPUTS) {
    for (const code of CODE_KINDS) {
      for (const constrained of [false, true]) {
        for (const oligo of [200, 37]) {
          const { text, stats } = encodeDna(data, { code, constrained, oligo });
          const decoded = decodeDna(text);
          assert.is(decoded.data.constructor, data.constructor, name);
          assert.equal(
            Array.from(decoded.data),
            Array.from(data),
            `${name}, ${code}, constrained ${constrained}, oligo ${oligo}`,
          );
          assert.ok(stats.kraft <= 1 + 1e-12);
          if (constrained) {
            checkOligos(text, oligo);
            assert.ok(
              stats.longestHomopolymer <= 3 && (stats.gc === null || (stats.gc.min >= 0.4 && stats.gc.max <= 0.6)),
            );
          }
        }
      }
    }
  }
  assert.equal(Array.from(decodeDna(encodeDna([3, -4, 3]).text).data), [3, -4, 3], "a number[] is read as integers");
});

test("constrained mode: at most 5% extra nucleotides, code bits per nucleotide against the 1.98 capacity", () => {
  const capacity = runLengthCapacity(3);
  assert.ok(Math.abs(capacity - 1.9824) < 1e-4, `capacity ${capacity}`);
  assert.ok(Math.abs(runLengthCapacity(1) - Math.log2(3)) < 1e-9, "runs of 1: three choices per nucleotide");
  for (const data of [randomBytes(20_000, 6), laplacian(20_000, 4, 7)]) {
    const plain = encodeDna(data).stats;
    const { stats } = encodeDna(data, { constrained: true });
    assert.is(stats.digits, plain.digits);
    assert.ok(stats.overhead <= 0.05, `overhead ${stats.overhead}`);
    assert.ok(stats.codeBitsPerNucleotide >= 1.9 && stats.codeBitsPerNucleotide < capacity);
    assert.is(plain.codeBitsPerNucleotide, 2);
  }
});

/** Asserts decodeDna refuses `text` with a DnaFormatError on `line` whose message matches `says`. */
function refuses(text: string, line: number, says: RegExp): void {
  try {
    const { data } = decodeDna(text);
    assert.unreachable(`decoded to ${data.length} symbols`);
  } catch (error) {
    if (!(error instanceof DnaFormatError)) throw error;
    assert.is(error.line, line, error.message);
    assert.match(error.message, says);
  }
}

const mutateLine = (text: string, line: number, edit: (s: string) => string) =>
  text
    .split("\n")
    .map((s, i) => (i === line - 1 ? edit(s) : s))
    .join("\n");
const mutateHeader = (text: string, edit: (h: Record<string, unknown>) => void) =>
  mutateLine(text, 1, (s) => {
    const h = JSON.parse(s.slice(s.indexOf("{")));
    edit(h);
    return s.slice(0, s.indexOf("{")) + JSON.stringify(h);
  });

test("corrupt, truncated and tampered files are refused with the line", () => {
  const data = new TextEncoder().encode("the quick brown fox jumps over the lazy dog; ".repeat(30));
  for (const constrained of [false, true]) {
    const { text } = encodeDna(data, { constrained, oligo: 100 });
    const lines = text.trimEnd().split("\n");
    const last = lines.length;
    refuses(
      mutateLine(text, 3, (s) => s.slice(0, 10) + "N" + s.slice(11)),
      3,
      /column 11: "N" is not a nucleotide/,
    );
    refuses(lines.slice(0, -1).join("\n") + "\n", last, /ends after \d+ lines of nucleotides; the header announces/);
    refuses(
      mutateLine(text, last, (s) => s.slice(0, -5)),
      last,
      /nucleotides; expected/,
    );
    refuses(text + "ACGT\n", last + 1, /one more/);
    refuses(
      mutateHeader(text, (h) => (h.crc32 = "0badf00d")),
      1,
      /CRC-32/,
    );
    refuses(
      mutateHeader(text, (h) => (h.table = [[1, [1, 2, 3, 4, 5]]])),
      1,
      /not a prefix code/,
    );
    refuses(
      mutateHeader(text, (h) => (h.oligo = "many")),
      1,
      /"oligo" must be/,
    );
    refuses(
      mutateHeader(text, (h) => (h.table = [[2, [300]]])),
      1,
      /not in the bytes alphabet/,
    );
    refuses(
      mutateLine(text, 1, (s) => s.slice(0, -3)),
      1,
      /not valid JSON/,
    );
    refuses("ACGT\n", 1, /not a .dna file/);
    refuses("", 1, /empty/);
    // Swap the codewords of two symbols of different lengths: a valid code, the wrong data, caught by the CRC.
    refuses(
      mutateHeader(text, (h) => {
        const table = h.table as Array<[number, number[]]>;
        [table[0][1][0], table.at(-1)![1][0]] = [table.at(-1)![1][0], table[0][1][0]];
        for (const [, symbols] of table) symbols.sort((a, b) => a - b);
      }),
      1,
      /CRC-32|codeword|left over|padding|end inside/,
    );
    refuses(
      mutateHeader(text, (h) =>
        (h.table as Array<[number, number[]]>).find(([, symbols]) => symbols.length > 1)![1].reverse(),
      ),
      1,
      /must increase/,
    );
  }
});

test("every single-nucleotide substitution tried is refused, never decoded to wrong data", () => {
  const g = new Generator(8);
  const data = laplacian(2000, 3, 9);
  for (const constrained of [false, true]) {
    const { text } = encodeDna(data, { constrained });
    const lines = text.split("\n");
    for (let trial = 0; trial < 150; trial++) {
      const line = 2 + g.int(lines.length - 2);
      const column = g.int(lines[line - 1].length);
      const was = lines[line - 1][column];
      const now = "ACGT".replace(was, "")[g.int(3)];
      const bad = mutateLine(text, line, (s) => s.slice(0, column) + now + s.slice(column + 1));
      assert.throws(
        () => decodeDna(bad),
        (e: unknown) => e instanceof DnaFormatError && e.line !== undefined,
      );
    }
  }
});

test.run();
