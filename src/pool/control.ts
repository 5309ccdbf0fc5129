// The control block: one slot per worker in the shared memory, through which the caller posts kernel calls and
// the worker reports back, with Atomics.wait / notify instead of one message round-trip per task.
//   caller: writes KERNEL, ARGC and the arguments, then bumps SEQ and notifies it;
//   worker: blocked until SEQ moves past the task it last ran (a wake-up alone is no task), runs the kernel,
//           writes RESULT (or FAILED and a message), then sets DONE = SEQ and notifies it. The Atomics store/load
//           pair on SEQ and on DONE orders the plain writes around it.
// Slots are 384 bytes, a multiple of 64, so no two workers write to one cache line.

export const SLOT_BYTES = 384;

// Int32 indices into a slot.
export const SEQ = 0;
export const DONE = 1;
export const KERNEL = 2;
export const ARGC = 3;
export const RESULT = 4;
export const FAILED = 5;
export const MESSAGE_LENGTH = 6;

// Float64 arguments (pointers, sizes, codes: all exact in a double) from this byte offset.
export const ARGS_OFFSET = 32;
export const MAX_ARGS = 16;

// A worker's error message as UTF-16 code units, cut to what fits.
export const MESSAGE_OFFSET = ARGS_OFFSET + 8 * MAX_ARGS;
export const MESSAGE_CHARS = (SLOT_BYTES - MESSAGE_OFFSET) / 2;

/** The kernels a worker runs, by index in KERNEL: the bilevel stages that touch every element, the exact ℓ1,∞
 * projection's per-group steps, and a training step's share of a matrix product, of a batch's convolution or of an
 * Adam step (src/pool/split.ts). */
export const KERNELS = [
  "groupPartials_f32",
  "groupPartials_f64",
  "applyBilevel_f32",
  "applyBilevel_f64",
  "groupThresholds_f32",
  "groupThresholds_f64",
  "applyThresholds_f32",
  "applyThresholds_f64",
  "l1InfPrepare_f32",
  "l1InfPrepare_f64",
  "l1InfAdvance_f32",
  "l1InfAdvance_f64",
  "matmulRows",
  "convForward",
  "convInputGrad",
  "convWeightGrad",
  "adamStep",
  "convForwardDirect",
  "convWeightGradDirect",
  "unary",
  "unaryGrad",
] as const;
export type KernelName = (typeof KERNELS)[number];

/** KERNEL values that are not kernels: leave the loop; throw (a test hook for the failure path). */
export const STOP = -1;
export const THROW = -2;

/** The first message to a worker. */
export interface WorkerInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  /** Byte offset of the worker's slot. */
  slot: number;
  /** SEQ as it stands, so that a replacement worker does not rerun its predecessor's task. */
  seq: number;
  /** Also post { done: seq } after each task, for callers without Atomics.waitAsync. */
  notifyByMessage: boolean;
}

/** What a worker posts: once { ready: true }, then { done } per task if asked to. */
export type WorkerMessage = { ready: true } | { done: number };
