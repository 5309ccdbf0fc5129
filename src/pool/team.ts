// The pool's workers and their control slots: posting a kernel call to a worker, collecting its result, and
// replacing a worker that dies. A task is one kernel call on one worker; a pool call is a few rounds of tasks.
import {
  ARGC,
  ARGS_OFFSET,
  DONE,
  FAILED,
  KERNEL,
  KERNELS,
  type KernelName,
  MAX_ARGS,
  MESSAGE_CHARS,
  MESSAGE_LENGTH,
  MESSAGE_OFFSET,
  RESULT,
  SEQ,
  SLOT_BYTES,
  STOP,
  THROW,
} from "./control.ts";
import type { Heap } from "../runtime/heap.ts";
import type { Spawner, WorkerHandle } from "./spawn.ts";

interface Task {
  readonly seq: number;
  readonly settled: Promise<unknown>;
  resolve(result: number): void;
  reject(error: Error): void;
}

// Each worker started gets a slot of its own: a worker that outlives terminate() (Deno does not interrupt
// Atomics.wait) must never see its successor's tasks, only the STOP it is sent.
interface Slot {
  readonly control: Int32Array;
  readonly args: Float64Array;
  readonly message: Uint16Array;
}

interface Member {
  readonly handle: WorkerHandle;
  readonly slot: Slot;
  readonly ready: Promise<void>;
  started: boolean;
}

/** Test hooks: the next task on a worker makes it throw, or kills it while it runs. */
export type Sabotage = "throw" | "terminate";

// Whether this thread may block in Atomics.wait (not a browser's main thread): found out on the first refusal.
let canBlock = true;

// Without Atomics.waitAsync (Firefox) the caller learns of completions from a message the worker posts.
const notifyByMessage = typeof (Atomics as { waitAsync?: unknown }).waitAsync !== "function";

export class Team {
  readonly #members: Member[] = [];
  readonly #tasks: (Task | undefined)[] = [];
  readonly #sabotage = new Map<number, Sabotage>();
  #keepAlive = true;
  #closed = false;
  #tasksLost = 0;
  /** Why the team can no longer run tasks: a worker that could not be (re)started. */
  #broken: Error | undefined;

  constructor(
    readonly heap: Heap,
    readonly module: WebAssembly.Module,
    readonly memory: WebAssembly.Memory,
    readonly spawner: Spawner,
    readonly size: number,
  ) {
    for (let i = 0; i < size; i++) this.#start(i);
  }

  /** Resolves when every worker has instantiated the module; rejects if one cannot be started. */
  async ready(): Promise<void> {
    if (this.#broken) throw this.#broken;
    await Promise.all(this.#members.map((member) => member.ready));
  }

  /** Runs a kernel on worker i: its i32 result, or a rejection naming the worker and the cause. */
  runKernel(i: number, kernel: KernelName, args: number[]): Promise<number> {
    const { slot } = this.#members[i];
    if (this.#tasks[i]) throw new Error(`sparseproj pool: worker ${i} is busy (internal error)`);
    const sabotage = this.#sabotage.get(i);
    this.#sabotage.delete(i);
    slot.control[KERNEL] = sabotage === "throw" ? THROW : KERNELS.indexOf(kernel);
    slot.control[ARGC] = args.length;
    slot.args.set(args);
    const seq = (slot.control[SEQ] + 1) | 0;
    let settle!: Pick<Task, "resolve" | "reject">;
    const result = new Promise<number>((resolve, reject) => (settle = { resolve, reject }));
    this.#tasks[i] = { seq, settled: result.catch(() => undefined), ...settle };
    Atomics.store(slot.control, SEQ, seq);
    Atomics.notify(slot.control, SEQ);
    if (sabotage === "terminate") this.terminate(i, "was terminated during a task (test hook)");
    else if (!notifyByMessage) void this.#watch(i, slot, seq);
    return result;
  }

  /**
   * Posts a kernel call to worker i for `join` to wait on, outside the Promise bookkeeping of runKernel: the
   * synchronous path of a training step (src/pool/split.ts), on a team of its own. Returns the task's number.
   */
  post(i: number, kernel: KernelName, args: number[]): number {
    const { control, args: slotArgs } = this.#members[i].slot;
    control[KERNEL] = KERNELS.indexOf(kernel);
    control[ARGC] = args.length;
    slotArgs.set(args);
    const seq = (control[SEQ] + 1) | 0;
    Atomics.store(control, SEQ, seq);
    Atomics.notify(control, SEQ);
    return seq;
  }

  /**
   * Blocks until worker i has run task `seq` (Atomics.wait where the thread may block, else spinning: a browser's
   * main thread), and throws its failure. A lost worker cannot be seen from here (its events wait for the event
   * loop), so a task not done after `limitMs` throws instead of hanging.
   */
  join(i: number, seq: number, limitMs = 600_000): void {
    const { control, message } = this.#members[i].slot;
    const start = Date.now();
    for (let spins = 0; Atomics.load(control, DONE) !== seq; spins++) {
      if (spins < 1 << 12) continue; // the other share usually ends within microseconds of ours
      if (canBlock) {
        try {
          Atomics.wait(control, DONE, Atomics.load(control, DONE), 50);
        } catch {
          canBlock = false;
        }
      }
      if ((spins & 0xffff) === 0 && Date.now() - start > limitMs)
        throw new Error(`sparseproj: training thread ${i + 1} did not finish its share in ${limitMs / 1000} s`);
    }
    if (control[FAILED]) {
      const text = Array.from(message.subarray(0, control[MESSAGE_LENGTH]), (c) => String.fromCharCode(c)).join("");
      throw new Error(`sparseproj: training thread ${i + 1} failed: ${text}`);
    }
  }

  /** Resolves when no task is running: only then may the blocks they work on be freed. */
  async idle(): Promise<void> {
    await Promise.all(this.#tasks.map((task) => task?.settled));
  }

  /** Kills worker i, failing its task; a replacement starts in its place. */
  terminate(i: number, cause = "was terminated"): void {
    const member = this.#members[i];
    if (member) this.#lost(i, member, cause);
  }

  sabotage(i: number, how: Sabotage): void {
    this.#sabotage.set(i, how);
  }

  /** Test hook: wakes every worker without posting a task, as Atomics.wait may return on its own. */
  wake(): void {
    for (const member of this.#members) Atomics.notify(member.slot.control, SEQ);
  }

  /** Whether idle workers keep the host process alive: only while pool calls are pending. */
  keepAlive(on: boolean): void {
    this.#keepAlive = on;
    for (const member of this.#members) member.handle.keepAlive(on);
  }

  /** Tasks whose worker was lost while running them: a dying thread may still write to their blocks. */
  get tasksLost(): number {
    return this.#tasksLost;
  }

  get broken(): Error | undefined {
    return this.#broken;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const closed = new Error("sparseproj pool: closed during a call");
    for (let i = 0; i < this.size; i++) {
      this.#stop(this.#members[i]);
      this.#fail(i, closed);
    }
    this.spawner.dispose();
  }

  #start(i: number): void {
    const slot = this.#newSlot();
    let started!: { resolve(): void; reject(error: Error): void };
    const ready = new Promise<void>((resolve, reject) => (started = { resolve, reject }));
    ready.catch(() => undefined); // observed through ready()
    const member: Member = {
      handle: this.spawner.spawn({
        message: (data) => {
          if (this.#members[i] !== member) return;
          if ("ready" in data) {
            member.started = true;
            started.resolve();
          } else {
            this.#finish(i, data.done);
          }
        },
        lost: (cause) => {
          if (!member.started) started.reject(new Error(`sparseproj pool: worker ${i} could not start: it ${cause}`));
          this.#lost(i, member, cause);
        },
      }),
      slot,
      ready,
      started: false,
    };
    this.#members[i] = member;
    member.handle.keepAlive(this.#keepAlive);
    member.handle.post({
      module: this.module,
      memory: this.memory,
      slot: slot.control.byteOffset,
      seq: 0,
      notifyByMessage,
    });
  }

  // Zeroed, on cache lines of its own. Slots are never freed: a stopped worker may still read its STOP.
  #newSlot(): Slot {
    const base = Math.ceil(this.heap.alloc(SLOT_BYTES + 48, "a pool worker's control slot") / 64) * 64;
    const buffer = this.memory.buffer;
    new Uint8Array(buffer, base, SLOT_BYTES).fill(0);
    return {
      control: new Int32Array(buffer, base, SLOT_BYTES / 4),
      args: new Float64Array(buffer, base + ARGS_OFFSET, MAX_ARGS),
      message: new Uint16Array(buffer, base + MESSAGE_OFFSET, MESSAGE_CHARS),
    };
  }

  // STOP first: Deno's terminate() does not end a worker blocked in Atomics.wait, and a waking worker returns on it.
  #stop(member: Member): void {
    const { control } = member.slot;
    control[KERNEL] = STOP;
    Atomics.add(control, SEQ, 1);
    Atomics.notify(control, SEQ);
    member.handle.terminate();
  }

  // Every way a worker goes (its error or exit event, terminate) ends here, once per worker.
  #lost(i: number, member: Member, cause: string): void {
    if (this.#members[i] !== member || this.#closed) return;
    this.#stop(member);
    if (this.#tasks[i]) this.#tasksLost++;
    this.#fail(i, new Error(`sparseproj pool: worker ${i} ${cause}`));
    if (!member.started) {
      // A worker that cannot start would fail the same way again: the pool stops here.
      this.#broken = new Error(`sparseproj pool: worker ${i} could not start: it ${cause}`);
      return;
    }
    this.#start(i);
  }

  #fail(i: number, error: Error): void {
    const task = this.#tasks[i];
    this.#tasks[i] = undefined;
    task?.reject(error);
    // Releases a waitAsync still watching DONE for the lost task.
    Atomics.notify(this.#members[i].slot.control, DONE);
  }

  async #watch(i: number, { control }: Slot, seq: number): Promise<void> {
    while (this.#tasks[i]?.seq === seq) {
      const done = Atomics.load(control, DONE);
      if (done === seq) return this.#finish(i, seq);
      const waiting = (Atomics as unknown as AtomicsWaitAsync).waitAsync(control, DONE, done);
      if (waiting.async) await waiting.value;
    }
  }

  #finish(i: number, seq: number): void {
    const task = this.#tasks[i];
    if (task?.seq !== seq) return;
    this.#tasks[i] = undefined;
    const { control, message } = this.#members[i].slot;
    if (control[FAILED]) {
      const text = Array.from(message.subarray(0, control[MESSAGE_LENGTH]), (c) => String.fromCharCode(c)).join("");
      task.reject(new Error(`sparseproj pool: worker ${i} failed: ${text}`));
    } else {
      task.resolve(control[RESULT]);
    }
  }
}

interface AtomicsWaitAsync {
  waitAsync(
    array: Int32Array,
    index: number,
    value: number,
  ): { async: false; value: string } | { async: true; value: Promise<string> };
}
