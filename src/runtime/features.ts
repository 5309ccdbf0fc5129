// Feature detection: whether this engine runs relaxed SIMD, asked once by validating the smallest module that uses
// it (a function returning f32x4.relaxed_madd of three v128 constants).
const V128_CONST = [0xfd, 0x0c, ...new Array<number>(16).fill(0)];
const BODY = [0x00, ...V128_CONST, ...V128_CONST, ...V128_CONST, 0xfd, 0x85, 0x02, 0x0b];
const RELAXED_MADD_MODULE = new Uint8Array([
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // \0asm, version 1
  ...[0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b], // types: () → v128
  ...[0x03, 0x02, 0x01, 0x00], // functions: one of type 0
  ...[0x0a, BODY.length + 2, 0x01, BODY.length, ...BODY], // code
]);

let relaxed: boolean | undefined;

/** Whether the engine validates relaxed SIMD (V8 ≥ 11.4: Node ≥ 22, Chrome ≥ 114, Deno; Node 20 behind a flag). */
export function relaxedSimdSupported(): boolean {
  if (relaxed === undefined) {
    try {
      relaxed = WebAssembly.validate(RELAXED_MADD_MODULE);
    } catch {
      relaxed = false;
    }
  }
  return relaxed;
}
