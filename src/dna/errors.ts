// The one error the DNA decoder throws. It carries where the problem was found, the 1-based line of the .dna text
// or the offset in the digit stream (which the text layer turns into a line), so a caller (the command line) can
// name the place without parsing the message.

/** A DNA text, table or digit stream that cannot be decoded to exactly what was encoded. */
export class DnaFormatError extends Error {
  /** 1-based line of the .dna text, when the problem is tied to one. */
  readonly line?: number;
  /** 0-based offset in the digit stream, from the prefix-code decoder. */
  readonly digit?: number;

  constructor(problem: string, where: { line?: number; digit?: number } = {}) {
    super(problem);
    this.name = "DnaFormatError";
    this.line = where.line;
    this.digit = where.digit;
  }
}

/** Data larger than the caller allows (decodeDna's maxBytes): a DnaFormatError on line 1, with both sizes. */
export class DnaSizeError extends DnaFormatError {
  constructor(
    readonly bytes: number,
    readonly maxBytes: number,
  ) {
    super(`"symbols" announces ${bytes} bytes of data, over maxBytes = ${maxBytes}`, { line: 1 });
    this.name = "DnaSizeError";
  }
}

/** Data whose .dna text would be longer than a JavaScript string can be (format.ts's MAX_TEXT_LENGTH). */
export class DnaTextLengthError extends RangeError {
  /** The problem without the argument's name, for a caller that names the file instead. */
  readonly problem: string;

  constructor(
    readonly characters: number,
    readonly maxCharacters: number,
  ) {
    const problem =
      `its .dna text would hold ${characters} characters, more than the ${maxCharacters} a JavaScript string ` +
      "can; encode the file in parts";
    super(`data: ${problem}`);
    this.name = "DnaTextLengthError";
    this.problem = problem;
  }
}

/** No seed screens an oligo (scramble.ts): a RangeError, since a shorter oligo length is the remedy. */
export class DnaScreeningError extends RangeError {
  constructor(problem: string) {
    super(problem);
    this.name = "DnaScreeningError";
  }
}

/**
 * Reads or oligos that do not decode to exactly what was encoded (storage.ts): no metadata oligo, a stream whose
 * checksum fails, more damage than the codes correct. A DnaFormatError without a line: reads have no order.
 */
export class DnaReadsError extends DnaFormatError {
  constructor(problem: string) {
    super(problem);
    this.name = "DnaReadsError";
  }
}

/** More oligos missing from the reads than the outer code recovers. */
export class DnaMissingOligosError extends DnaReadsError {
  constructor(
    problem: string,
    /** Oligos (data and parity, metadata excluded) with no decodable read. */
    readonly missing: number,
    /** Of those, how many the outer code cannot make up for: at least this many more oligos are needed. */
    readonly beyondCapacity: number,
    /** Oligos written (data and parity). */
    readonly total: number,
  ) {
    super(problem);
    this.name = "DnaMissingOligosError";
  }
}
