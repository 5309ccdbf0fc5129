// rANS (Duda's asymmetric numeral systems, in Giesen's byte-wise form) over integer frequency tables of total
// 2^16: a symbol of frequency f costs log₂(2^16 / f) bits to within the coder's tiny overhead. The encoder takes
// the symbols in order and writes them in reverse at finish(), so that the decoder reads them forwards: Cool-chic's
// decoder runs its auto-regressive model pixel by pixel and must see each symbol before it can model the next.
// The state stays below 2^31, so every step is exact in double arithmetic.

/** The frequency tables' total: a symbol's probability is freq / 2^PROB_BITS, at least 2^−16. */
export const PROB_BITS = 16;
export const PROB_SCALE = 1 << PROB_BITS;
const LOWER = 1 << 23; // the state's interval is [LOWER, 256·LOWER)

/** A truncated, corrupted or otherwise undecodable stream. */
export class CorruptStreamError extends Error {
  override name = "CorruptStreamError";
}

function checkSlot(start: number, freq: number): void {
  if (!(Number.isInteger(start) && Number.isInteger(freq) && freq >= 1 && start >= 0 && start + freq <= PROB_SCALE))
    throw new RangeError(`rANS: symbol interval [${start}, ${start + freq}) is not inside [0, ${PROB_SCALE})`);
}

/** Collects symbols as (cumulative start, frequency) pairs; finish() returns the coded bytes. */
export class RansEncoder {
  #starts: number[] = [];
  #freqs: number[] = [];

  /** Appends a symbol occupying [start, start + freq) of the 2^16 table. */
  put(start: number, freq: number): void {
    checkSlot(start, freq);
    this.#starts.push(start);
    this.#freqs.push(freq);
  }

  /** The stream: the symbols coded last to first, then reversed so a decoder reads them first to last. */
  finish(): Uint8Array {
    const out: number[] = [];
    let x = LOWER;
    for (let i = this.#starts.length - 1; i >= 0; i--) {
      const freq = this.#freqs[i];
      const limit = (LOWER >>> PROB_BITS) * 256 * freq;
      while (x >= limit) {
        out.push(x & 255);
        x >>>= 8;
      }
      x = Math.floor(x / freq) * PROB_SCALE + (x % freq) + this.#starts[i];
    }
    out.push(x & 255, (x >>> 8) & 255, (x >>> 16) & 255, x >>> 24);
    return Uint8Array.from(out.reverse());
  }
}

/** Reads symbols back from a RansEncoder's bytes: peek() the slot, find its symbol, advance() past it. */
export class RansDecoder {
  #x: number;
  #pos = 4;
  constructor(readonly bytes: Uint8Array) {
    if (bytes.length < 4) throw new CorruptStreamError("range-coded stream is truncated (fewer than 4 bytes)");
    this.#x = ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0;
    if (this.#x < LOWER || this.#x >= LOWER * 256) throw new CorruptStreamError("range-coded stream is corrupted");
  }

  /** The current slot in [0, 2^16): the symbol is the one whose interval holds it. */
  peek(): number {
    return this.#x & (PROB_SCALE - 1);
  }

  /** Consumes the symbol occupying [start, start + freq), which must hold peek(). */
  advance(start: number, freq: number): void {
    const x = this.#x;
    this.#x = freq * Math.floor(x / PROB_SCALE) + (x & (PROB_SCALE - 1)) - start;
    while (this.#x < LOWER) {
      if (this.#pos >= this.bytes.length) throw new CorruptStreamError("range-coded stream is truncated");
      this.#x = this.#x * 256 + this.bytes[this.#pos++];
    }
  }

  /** Checks that the stream ended where the encoder's did: every byte read and the state back at its start. */
  finish(): void {
    if (this.#pos !== this.bytes.length || this.#x !== LOWER)
      throw new CorruptStreamError("range-coded stream is corrupted (it does not end where it should)");
  }
}
