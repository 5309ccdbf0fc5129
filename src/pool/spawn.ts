// Starting workers from an inlined worker source (the pool's, the cross-validation folds'), and deciding whether
// this host can run them at all. Browsers, Deno and Bun get module workers from a Blob URL; Node (which rejects
// blob: URLs) gets worker_threads with eval. node:* modules are imported dynamically and only in Node, so this
// stays in the neutral bundle. The source sees its port as `port`: `self`, or worker_threads' parentPort.
import type { WorkerInit, WorkerMessage } from "./control.ts";
import { workerSource } from "./worker-source.generated.ts";

export interface WorkerEvents<In = WorkerMessage> {
  message(data: In): void;
  /** The worker is gone or unusable: it threw outside a task, failed to load, or exited. */
  lost(cause: string): void;
}

export interface WorkerHandle<Out = WorkerInit> {
  post(message: Out): void;
  terminate(): void;
  /** Whether the worker keeps the host process alive (Node and Bun; a no-op where workers have no such notion). */
  keepAlive(on: boolean): void;
}

export interface Spawner<Out = WorkerInit, In = WorkerMessage> {
  spawn(events: WorkerEvents<In>): WorkerHandle<Out>;
  /** Releases what the spawner holds (the Blob URL). */
  dispose(): void;
}

/** How this host starts workers, or why it cannot run a thread pool. */
export async function threadSupport(): Promise<Spawner | string> {
  // Deno and Bun leave crossOriginIsolated undefined: only an explicit false means a page without COOP/COEP.
  if ((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === false) {
    return (
      "page not cross-origin isolated; serve it with Cross-Origin-Opener-Policy: same-origin and " +
      "Cross-Origin-Embedder-Policy: require-corp"
    );
  }
  if (typeof SharedArrayBuffer !== "function") return "SharedArrayBuffer is not available in this host";
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  } catch (error) {
    return `a shared WebAssembly.Memory cannot be created here (${String(error)})`;
  }
  return workerSpawner(workerSource);
}

/** Workers running `source` (message passing only, no shared memory), or why this host has none. */
export async function workerSpawner<Out, In>(source: string): Promise<Spawner<Out, In> | string> {
  if (typeof Worker === "function") return webSpawner(source);
  if (isNode()) return nodeSpawner(await importNode<NodeWorkerThreads>("node:worker_threads"), source);
  return "this host has no Worker (nor Node's worker_threads)";
}

/** The host's logical cores (1 where it does not say). */
export async function availableCores(): Promise<number> {
  const cores =
    (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ??
    (isNode() ? (await importNode<{ availableParallelism(): number }>("node:os")).availableParallelism() : 1);
  return Math.max(cores, 1);
}

/** min(4, ⌈cores / 2⌉): half the cores, leaving the rest to the calling thread and the rest of the program. */
export async function defaultThreads(): Promise<number> {
  return Math.min(4, Math.ceil((await availableCores()) / 2));
}

function webSpawner<Out, In>(source: string): Spawner<Out, In> {
  const url = URL.createObjectURL(new Blob([`const port = self;\n${source}`], { type: "text/javascript" }));
  return {
    spawn(events) {
      const worker = new Worker(url, { type: "module" });
      worker.onmessage = (event) => events.message(event.data);
      worker.onerror = (event) => {
        // Handled here: Deno would otherwise end the process on a worker's uncaught error.
        event.preventDefault();
        events.lost(`threw ${event.message || "an error"}`);
      };
      worker.onmessageerror = () => events.lost("received a message it could not read");
      // Bun's Worker has ref/unref like Node's; browsers' and Deno's do not.
      const lifetime = worker as unknown as { ref?(): void; unref?(): void };
      return {
        post: (message) => worker.postMessage(message),
        terminate: () => worker.terminate(),
        keepAlive: (on) => (on ? lifetime.ref?.() : lifetime.unref?.()),
      };
    },
    dispose: () => URL.revokeObjectURL(url),
  };
}

interface NodeWorker {
  on(event: "message", listener: (data: never) => void): void;
  on(event: "error", listener: (error: unknown) => void): void;
  on(event: "exit", listener: (code: number) => void): void;
  postMessage(message: unknown): void;
  terminate(): Promise<number>;
  ref(): void;
  unref(): void;
}

interface NodeWorkerThreads {
  Worker: new (source: string, options: { eval: true }) => NodeWorker;
}

function nodeSpawner<Out, In>({ Worker }: NodeWorkerThreads, source: string): Spawner<Out, In> {
  const prelude = `const port = require("node:worker_threads").parentPort;\n${source}`;
  return {
    spawn(events) {
      const worker = new Worker(prelude, { eval: true });
      worker.on("message", (data: In) => events.message(data));
      worker.on("error", (error) => events.lost(`threw ${String(error)}`));
      worker.on("exit", (code) => events.lost(`exited with code ${code}`));
      return {
        post: (message) => worker.postMessage(message),
        terminate: () => void worker.terminate(),
        keepAlive: (on) => (on ? worker.ref() : worker.unref()),
      };
    },
    dispose() {},
  };
}

function isNode(): boolean {
  return typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === "string";
}

// A computed specifier: bundlers for the browser leave it alone instead of failing to resolve a node: module.
function importNode<M>(specifier: string): Promise<M> {
  return import(/* webpackIgnore: true */ /* @vite-ignore */ specifier) as Promise<M>;
}
