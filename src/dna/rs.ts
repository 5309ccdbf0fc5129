// Reed–Solomon codes over GF(256) (primitive polynomial x⁸ + x⁴ + x³ + x² + 1, 0x11d; generator α = 2; roots
// α⁰ … α^(p−1), i.e. first consecutive root 0 — the convention of QR codes, zlib-era tools and the Python reedsolo
// package). A codeword is the message followed by p parity bytes, byte i the coefficient of x^(n−1−i).
// Decoding (Blahut, "Algebraic Codes for Data Transmission", ch. 7): syndromes S_j = c(α^j); erasures folded
// into Forney syndromes; Berlekamp–Massey for the error locator Λ; errata locator Ψ = Λ·Γ (Γ the erasure locator);
// Chien search over the n positions; Forney's formula Y = X·Ω(X⁻¹)/Ψ′(X⁻¹) with Ω = S·Ψ mod x^p. It corrects
// ν errors and f erasures whenever 2ν + f ≤ p, and otherwise either reports failure or — rarely, as every
// bounded-distance decoder can — lands on another codeword; callers put a checksum above it for that case.
import { describeValue } from "../args.ts";

const EXP = new Uint8Array(512);
const LOG = new Uint8Array(256);
{
  let x = 1;
  for (let i = 0; i < 255; i++) {
    EXP[i] = x;
    LOG[x] = i;
    x <<= 1;
    if (x & 0x100) x ^= 0x11d;
  }
  // Doubled so that EXP[LOG[a] + LOG[b]] needs no reduction mod 255.
  for (let i = 255; i < 512; i++) EXP[i] = EXP[i - 255];
}

/** a·b in GF(256). */
export const gfMul = (a: number, b: number): number => (a === 0 || b === 0 ? 0 : EXP[LOG[a] + LOG[b]]);
const gfInv = (a: number): number => EXP[255 - LOG[a]];
/** α^e for any integer e. */
const gfPowAlpha = (e: number): number => EXP[((e % 255) + 255) % 255];

/** Evaluates a polynomial given lowest degree first at x. */
function evalLow(p: ArrayLike<number>, x: number): number {
  let y = 0;
  for (let i = p.length - 1; i >= 0; i--) y = gfMul(y, x) ^ p[i];
  return y;
}

const generators = new Map<number, Uint8Array>();

/** g(x) = Π_{j<p} (x − α^j), highest degree first (leading 1). */
function generator(parity: number): Uint8Array {
  let g = generators.get(parity);
  if (g) return g;
  g = new Uint8Array(parity + 1);
  g[0] = 1;
  for (let j = 0; j < parity; j++) {
    // Multiply by (x + α^j): g has degree j so far, in g[0..j].
    const a = gfPowAlpha(j);
    for (let i = j + 1; i > 0; i--) g[i] = g[i] ^ gfMul(g[i - 1], a);
  }
  generators.set(parity, g);
  return g;
}

function checkParity(parity: unknown, length: number): number {
  if (typeof parity !== "number" || !Number.isInteger(parity) || parity < 0 || parity > 254) {
    throw new RangeError(`parity must be an integer in 0..254; got ${describeValue(parity)}`);
  }
  if (length + parity > 255) {
    throw new RangeError(`a Reed–Solomon codeword over GF(256) holds at most 255 bytes; got ${length + parity}`);
  }
  return parity;
}

function checkBytes(value: unknown, name: string): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${name} must be a Uint8Array; got ${describeValue(value)}`);
  return value;
}

/** The systematic codeword of `message`: the message, then `parity` bytes; message.length + parity ≤ 255. */
export function rsEncode(message: Uint8Array, parity: number): Uint8Array {
  checkBytes(message, "message");
  checkParity(parity, message.length);
  const g = generator(parity);
  const out = new Uint8Array(message.length + parity);
  out.set(message);
  // Long division of message·x^p by g, in place: what remains in the last p bytes is the remainder.
  for (let i = 0; i < message.length; i++) {
    const coefficient = out[i];
    if (coefficient === 0) continue;
    for (let j = 1; j <= parity; j++) out[i + j] ^= gfMul(g[j], coefficient);
  }
  out.set(message);
  return out;
}

/** rsDecode's result: the corrected codeword and how many errors (unknown positions) and erasures it fixed. */
export interface RsDecoded {
  readonly codeword: Uint8Array;
  readonly errors: number;
  readonly erasures: number;
}

/** S_j = c(α^j), j < parity; whether all are zero. */
function syndromes(codeword: Uint8Array, parity: number, out: Uint8Array): boolean {
  let clean = true;
  for (let j = 0; j < parity; j++) {
    const x = gfPowAlpha(j);
    let y = 0;
    for (let i = 0; i < codeword.length; i++) y = gfMul(y, x) ^ codeword[i];
    out[j] = y;
    if (y) clean = false;
  }
  return clean;
}

/** Multiplies polynomials given lowest degree first. */
function mulLow(a: ArrayLike<number>, b: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(a.length + b.length - 1);
  for (let i = 0; i < a.length; i++) {
    if (a[i] === 0) continue;
    for (let j = 0; j < b.length; j++) out[i + j] ^= gfMul(a[i], b[j]);
  }
  return out;
}

/**
 * Berlekamp–Massey: the shortest LFSR C (lowest degree first, C₀ = 1) generating s, and its length L. The
 * locator of ν errors is found when 2ν ≤ s.length.
 */
function berlekampMassey(s: Uint8Array): { c: number[]; length: number } {
  let c = [1],
    b = [1],
    length = 0,
    shift = 1,
    last = 1;
  for (let n = 0; n < s.length; n++) {
    let d = s[n];
    for (let i = 1; i <= length && i < c.length; i++) d ^= gfMul(c[i], s[n - i]);
    if (d === 0) {
      shift++;
      continue;
    }
    const factor = gfMul(d, gfInv(last));
    const next = c.slice();
    while (next.length < b.length + shift) next.push(0);
    for (let i = 0; i < b.length; i++) next[i + shift] ^= gfMul(factor, b[i]);
    if (2 * length <= n) {
      b = c;
      length = n + 1 - length;
      last = d;
      shift = 1;
    } else shift++;
    c = next;
  }
  while (c.length > 1 && c[c.length - 1] === 0) c.pop();
  return { c, length };
}

/**
 * Decodes a codeword of `parity` parity bytes, with `erasures` the indices of bytes known to be wrong or missing.
 * Returns the corrected codeword (a new array; the input is not modified), or null when the errors exceed what the
 * code corrects (2·errors + erasures > parity) and the decoder notices, which it does unless the damage happens to
 * land within reach of another codeword.
 */
export function rsDecode(codeword: Uint8Array, parity: number, erasures: ArrayLike<number> = []): RsDecoded | null {
  checkBytes(codeword, "codeword");
  checkParity(parity, codeword.length - parity);
  const n = codeword.length;
  if (n < parity) throw new RangeError(`codeword must hold at least the ${parity} parity bytes; got ${n}`);
  const erased = new Set<number>();
  for (let k = 0; k < erasures.length; k++) {
    const i = erasures[k];
    if (!Number.isInteger(i) || i < 0 || i >= n) {
      throw new RangeError(`erasures[${k}] must be an index in 0..${n - 1}; got ${describeValue(i)}`);
    }
    erased.add(i);
  }
  const f = erased.size;
  if (f > parity) return null;
  const out = codeword.slice();
  const s = new Uint8Array(parity);
  if (syndromes(out, parity, s)) return { codeword: out, errors: 0, erasures: 0 };

  // Erasure locator Γ(x) = Π (1 − X x), X = α^(n−1−i) the locator of position i.
  let gamma: Uint8Array = Uint8Array.of(1);
  for (const i of erased) gamma = mulLow(gamma, Uint8Array.of(1, gfPowAlpha(n - 1 - i)));
  // Forney syndromes Θ_j = Σ_i Γ_i S_(j+f−i): the syndromes of the errors alone, erasures cancelled.
  const theta = new Uint8Array(parity - f);
  for (let j = 0; j < theta.length; j++) {
    let t = 0;
    for (let i = 0; i <= f; i++) t ^= gfMul(gamma[i], s[j + f - i]);
    theta[j] = t;
  }
  const { c: lambda, length: nu } = berlekampMassey(theta);
  if (2 * nu + f > parity || lambda.length - 1 !== nu) return null;
  const psi = mulLow(lambda, gamma);
  const degree = psi.length - 1;

  // Chien search: the positions i where Ψ(X_i⁻¹) = 0; as many as Ψ's degree, all inside the codeword, or failure.
  const positions: number[] = [];
  for (let i = 0; i < n; i++) if (evalLow(psi, gfPowAlpha(-(n - 1 - i))) === 0) positions.push(i);
  if (positions.length !== degree) return null;

  // Ω = S·Ψ mod x^p, and Ψ′ (in characteristic 2 only the odd terms survive).
  const omega = mulLow(s, psi).subarray(0, parity);
  const derivative = new Uint8Array(Math.max(1, degree));
  for (let i = 1; i <= degree; i += 2) derivative[i - 1] = psi[i];
  for (const i of positions) {
    const x = gfPowAlpha(n - 1 - i);
    const xInv = gfInv(x);
    const denominator = evalLow(derivative, xInv);
    if (denominator === 0) return null;
    out[i] ^= gfMul(gfMul(x, evalLow(omega, xInv)), gfInv(denominator));
  }
  if (!syndromes(out, parity, s)) return null;
  let errors = 0;
  for (const i of positions) if (!erased.has(i) && out[i] !== codeword[i]) errors++;
  return { codeword: out, errors, erasures: f };
}
