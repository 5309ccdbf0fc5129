// A canonical base-4 prefix code built from codeword lengths: symbols in (length, symbol) order get consecutive
// codewords, each the previous one plus one, padded with zeros to its length. Codewords are digit arrays rather
// than numbers because optimal codes of skewed histograms outgrow 2^53 (4^27), and decoding walks a 4-ary trie.
// Running out of codewords while assigning is exactly a violation of Kraft's inequality, so a table read from a
// file cannot describe a code that is not prefix-free.
import { checkDigits, checkLengths, checkNumber, checkOutput, checkSymbols } from "./checks.ts";
import { DnaFormatError } from "./errors.ts";

/**
 * The canonical base-4 prefix code with given codeword lengths: codewords as digit arrays (0–3, one per nucleotide),
 * encoding by concatenation and decoding through a 4-ary trie.
 */
export class PrefixCode {
  /** Symbol → codeword length, in canonical order. */
  readonly lengths: ReadonlyMap<number, number>;
  readonly #codewords = new Map<number, Uint8Array>();
  // The trie: children[4·node + digit] is a node (0: none, as the root is nobody's child); leaf[node] ≥ 0 marks
  // the index of a node's symbol in `symbols`.
  readonly #children: number[] = [0, 0, 0, 0];
  readonly #leaf: number[] = [-1];
  readonly #symbols: number[] = [];

  /** Throws a RangeError when the lengths break Kraft's inequality (Σ 4^−ℓ > 1) or are not integers ≥ 0. */
  constructor(lengths: ReadonlyMap<number, number>) {
    const order = [...checkLengths(lengths)].sort((a, b) => a[1] - b[1] || a[0] - b[0]);
    this.lengths = new Map(order);
    const codeword: number[] = [];
    order.forEach(([symbol, length], i) => {
      if (i > 0) {
        let d = codeword.length - 1;
        while (d >= 0 && codeword[d] === 3) codeword[d--] = 0;
        if (d < 0) throw new RangeError("the codeword lengths break Kraft's inequality: no prefix code has them");
        codeword[d]++;
      }
      while (codeword.length < length) codeword.push(0);
      this.#codewords.set(symbol, Uint8Array.from(codeword));
      this.#insert(codeword, symbol);
    });
  }

  #insert(codeword: number[], symbol: number): void {
    let node = 0;
    for (const digit of codeword) {
      let child = this.#children[4 * node + digit];
      if (!child) {
        child = this.#leaf.length;
        this.#children[4 * node + digit] = child;
        this.#children.push(0, 0, 0, 0);
        this.#leaf.push(-1);
      }
      node = child;
    }
    this.#leaf[node] = this.#symbols.length;
    this.#symbols.push(symbol);
  }

  /** The codeword of `symbol` (digits 0–3; empty for a one-symbol code), or undefined if it is not in the code. */
  codeword(symbol: number): Uint8Array | undefined {
    return this.#codewords.get(checkNumber(symbol, "symbol"));
  }

  /**
   * The concatenated codewords of `symbols`, one digit 0–3 per element. Throws a RangeError on a symbol not in
   * the code.
   */
  encode(symbols: ArrayLike<number>): Uint8Array {
    checkSymbols(symbols, "symbols");
    let n = 0;
    for (let i = 0; i < symbols.length; i++) {
      const length = this.lengths.get(symbols[i]);
      if (length === undefined) throw new RangeError(`symbols[${i}] = ${symbols[i]} is not in the code`);
      n += length;
    }
    const digits = new Uint8Array(n);
    for (let i = 0, at = 0; i < symbols.length; i++) {
      const codeword = this.#codewords.get(symbols[i])!;
      digits.set(codeword, at);
      at += codeword.length;
    }
    return digits;
  }

  /**
   * Decodes `into.length` symbols from the digit stream into `into`, which must use every digit. A stream that
   * leaves the trie, ends inside a codeword, or has digits left over is a DnaFormatError with the digit's offset.
   */
  decode<T extends { length: number; [i: number]: number }>(digits: Uint8Array, into: T): T {
    checkDigits(digits, "digits");
    checkOutput(into, "into");
    let at = 0;
    for (let i = 0; i < into.length; i++) {
      let node = 0;
      const start = at;
      while (this.#leaf[node] < 0) {
        if (at === digits.length)
          throw new DnaFormatError(`the digits end inside a codeword (symbol ${i + 1} of ${into.length})`, {
            digit: start,
          });
        node = this.#children[4 * node + digits[at++]];
        if (!node)
          throw new DnaFormatError(`the digits at offset ${start} do not begin any codeword of the table`, {
            digit: at - 1,
          });
      }
      into[i] = this.#symbols[this.#leaf[node]];
    }
    if (at !== digits.length)
      throw new DnaFormatError(`${digits.length - at} digits are left over after the last symbol`, { digit: at });
    return into;
  }
}
