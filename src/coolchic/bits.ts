// Bit-level writing and reading for the stream's parameter section: fixed-width fields and signed exp-Golomb codes
// (Cool-chic codes its quantized network parameters with exp-Golomb codes too). The reader is bounded: it refuses
// to read past its bytes or a prefix longer than any value the writer can produce.
import { CorruptStreamError } from "./rans.ts";

export class BitWriter {
  readonly #bytes: number[] = [];
  #current = 0;
  #used = 0;

  /** The low `count` bits of `value` (count ≤ 32), most significant first. */
  write(value: number, count: number): void {
    for (let i = count - 1; i >= 0; i--) {
      this.#current = (this.#current << 1) | (Math.floor(value / 2 ** i) & 1);
      if (++this.#used === 8) {
        this.#bytes.push(this.#current);
        this.#current = this.#used = 0;
      }
    }
  }

  /** A signed integer in the exp-Golomb code of order k (zig-zag: 0, 1, −1, 2, −2, …). */
  writeSigned(q: number, k: number): void {
    const u = (q > 0 ? 2 * q - 1 : -2 * q) + 2 ** k;
    const n = bitLength(u);
    this.write(0, n - k - 1);
    this.write(u, n);
  }

  /** The bytes, the last one padded with zeros. */
  finish(): Uint8Array {
    if (this.#used) this.#bytes.push(this.#current << (8 - this.#used));
    this.#current = this.#used = 0;
    return Uint8Array.from(this.#bytes);
  }
}

/** The number of binary digits of a non-negative integer u (0 for 0). */
export function bitLength(u: number): number {
  let n = 0;
  for (let v = u; v >= 1; v = Math.floor(v / 2)) n++;
  return n;
}

/** The length in bits of q's exp-Golomb code of order k. */
export function signedCodeLength(q: number, k: number): number {
  return 2 * bitLength((q > 0 ? 2 * q - 1 : -2 * q) + 2 ** k) - k - 1;
}

/** The longest exp-Golomb prefix a reader accepts: values stay below 2^40. */
const MAX_PREFIX = 40;

export class BitReader {
  #pos = 0;
  constructor(readonly bytes: Uint8Array) {}

  read(count: number): number {
    let v = 0;
    for (let i = 0; i < count; i++) {
      if (this.#pos >= this.bytes.length * 8) throw new CorruptStreamError("parameter section is truncated");
      v = v * 2 + ((this.bytes[this.#pos >> 3] >> (7 - (this.#pos & 7))) & 1);
      this.#pos++;
    }
    return v;
  }

  readSigned(k: number): number {
    let zeros = 0;
    while (this.read(1) === 0) if (++zeros > MAX_PREFIX) throw new CorruptStreamError("parameter section is corrupted");
    const u = 2 ** (zeros + k) + this.read(zeros + k) - 2 ** k;
    return u % 2 ? (u + 1) / 2 : -u / 2;
  }

  /** Checks that only the last byte's zero padding is left. */
  finish(): void {
    const end = this.bytes.length * 8;
    if (end - this.#pos >= 8 || (this.#pos < end && this.read(end - this.#pos) !== 0))
      throw new CorruptStreamError("parameter section is corrupted (it does not end where it should)");
  }
}
