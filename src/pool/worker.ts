// A pool worker, bundled by scripts/build.mjs into a source string (worker-source.generated.ts) that the pool
// starts from a Blob URL or with worker_threads' eval. It instantiates the threads module on the shared memory
// and then runs the kernel calls posted into its control slot, blocking in Atomics.wait between them.
// It never calls alloc or release: the allocator belongs to the caller's instance; every pointer is given.
import { instantiate } from "../runtime/engine.ts";
import type { Heap } from "../runtime/heap.ts";
import {
  ARGC,
  ARGS_OFFSET,
  DONE,
  FAILED,
  KERNEL,
  KERNELS,
  MAX_ARGS,
  MESSAGE_CHARS,
  MESSAGE_LENGTH,
  MESSAGE_OFFSET,
  RESULT,
  SEQ,
  SLOT_BYTES,
  STOP,
  THROW,
  type WorkerInit,
  type WorkerMessage,
} from "./control.ts";

interface Port {
  addEventListener(type: "message", listener: (event: { data: WorkerInit }) => void, options: { once: true }): void;
  postMessage(message: WorkerMessage): void;
  /** Node's MessagePort delivers to addEventListener listeners only once started. */
  start?(): void;
}

// Defined by the one-line prelude the pool puts before this source: `self`, or worker_threads' parentPort.
declare const port: Port;

port.addEventListener("message", (event) => serve(event.data), { once: true });
port.start?.();

function serve({ module, memory, slot, seq, notifyByMessage }: WorkerInit): void {
  const heap = instantiate(module, memory);
  // The slot sits low in memory, so these views stay valid when the memory grows.
  const control = new Int32Array(memory.buffer, slot, SLOT_BYTES / 4);
  const args = new Float64Array(memory.buffer, slot + ARGS_OFFSET, MAX_ARGS);
  const message = new Uint16Array(memory.buffer, slot + MESSAGE_OFFSET, MESSAGE_CHARS);
  port.postMessage({ ready: true });
  for (let seen = seq; ; ) {
    // Only a new SEQ is a task: Atomics.wait also returns "ok" on wake-ups that post none (seen in Node), and
    // running the last kernel again would, in place, apply its thresholds to its block a second time.
    while (Atomics.load(control, SEQ) === seen) Atomics.wait(control, SEQ, seen);
    seen = Atomics.load(control, SEQ);
    const kernel = control[KERNEL];
    if (kernel === STOP) return;
    try {
      control[RESULT] = runKernel(heap, kernel, Array.from(args.subarray(0, control[ARGC])));
      control[FAILED] = 0;
    } catch (error) {
      // A trap or an abort: report it; the instance has no state a trap could leave inconsistent.
      const text = String(error instanceof Error ? `${error.name}: ${error.message}` : error).slice(0, MESSAGE_CHARS);
      for (let i = 0; i < text.length; i++) message[i] = text.charCodeAt(i);
      control[MESSAGE_LENGTH] = text.length;
      control[FAILED] = 1;
    }
    Atomics.store(control, DONE, seen);
    Atomics.notify(control, DONE);
    if (notifyByMessage) port.postMessage({ done: seen });
  }
}

function runKernel(heap: Heap, kernel: number, args: number[]): number {
  if (kernel === THROW) throw new Error("test hook: this worker was told to throw");
  const name = KERNELS[kernel];
  if (name === undefined) throw new RangeError(`no kernel number ${kernel}`);
  return (heap.exports[name] as (...args: number[]) => number | undefined)(...args) ?? 0;
}
