// Sequencing reads from text: FASTQ (four lines a record), FASTA (">" headers, sequences over one or more lines)
// or plain text (one read a line; "#" lines are comments, so the .dna container's oligo lines read as reads).
// The format is told by the first character. A malformed record is a DnaFormatError naming its line, and so is a
// plain line of anything but A/C/G/T/N, so that any other file is told apart; what a FASTQ or FASTA read holds is
// not judged here (the decoder sets aside reads of other characters or lengths).
import { describeValue } from "../args.ts";
import { DnaFormatError } from "./errors.ts";

/** The reads of a FASTQ, FASTA or plain text, upper-cased, with the format found. */
export function parseReads(text: string): { reads: string[]; format: "fastq" | "fasta" | "text" } {
  if (typeof text !== "string") throw new TypeError(`text must be a string; got ${describeValue(text)}`);
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === "") lines.pop();
  const first = lines.findIndex((line) => line.trim() !== "");
  const reads: string[] = [];
  if (first >= 0 && lines[first].startsWith("@")) {
    for (let i = first; i < lines.length; i += 4) {
      if (lines[i] === "" && lines.slice(i).every((line) => line.trim() === "")) break;
      const bad = (offset: number, problem: string) => new DnaFormatError(problem, { line: i + offset + 1 });
      if (!lines[i].startsWith("@")) throw bad(0, "a FASTQ record must begin with a line starting with @");
      if (i + 3 >= lines.length) throw bad(0, "the FASTQ record is cut short: it needs four lines");
      if (!lines[i + 2].startsWith("+")) throw bad(2, "the FASTQ record's third line must start with +");
      if (lines[i + 3].length !== lines[i + 1].length) {
        throw bad(3, `${lines[i + 3].length} quality characters for a ${lines[i + 1].length}-nt read`);
      }
      reads.push(lines[i + 1].trim().toUpperCase());
    }
    return { reads, format: "fastq" };
  }
  if (first >= 0 && lines[first].startsWith(">")) {
    let current: string[] | null = null;
    for (let i = first; i < lines.length; i++) {
      const line = lines[i].trim();
      if (line.startsWith(">")) {
        if (current) reads.push(current.join("").toUpperCase());
        current = [];
      } else if (line !== "" && !line.startsWith(";")) current!.push(line);
    }
    if (current) reads.push(current.join("").toUpperCase());
    return { reads, format: "fasta" };
  }
  lines.forEach((line, i) => {
    const read = line.trim();
    if (read === "" || read.startsWith("#")) return;
    // Told apart from any other text here, where the reads' format is plain lines: a read is nucleotides (or N).
    const bad = read.search(/[^ACGTN]/i);
    if (bad >= 0) {
      const problem = `not a .dna file, nor reads (FASTQ, FASTA, or one A/C/G/T read a line): ${JSON.stringify(read[bad])}`;
      throw new DnaFormatError(problem, { line: i + 1 });
    }
    reads.push(read.toUpperCase());
  });
  return { reads, format: "text" };
}
