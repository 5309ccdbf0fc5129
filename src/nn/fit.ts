// A minibatch training loop: shuffled batches, one step arena per step, the epoch-end constraints, and a
// non-finite loss stopped before it updates anything, with the epoch and step named.
import { scope } from "../autograd/arena.ts";
import { indexRows } from "../autograd/ops.ts";
import { formatShape, Tensor, zeros } from "../autograd/tensor.ts";
import type { Optimizer } from "../optim/optimizer.ts";
import { globalGenerator, type Generator } from "../random.ts";
import { applyConstraints } from "./constraints.ts";

/** fit's options: the optimizer over the parameters to train, the loss of a batch, and the schedule. */
export interface FitOptions {
  optimizer: Optimizer<object>;
  /** The loss of one batch: `batch` holds rows `indices` of the data. */
  loss: (batch: Tensor, indices: Int32Array) => Tensor;
  epochs: number;
  batchSize: number;
  /** Reshuffle the rows every epoch (default true), with this generator (default: the global one). */
  shuffle?: boolean;
  generator?: Generator;
  /** Called after each epoch (numbered from 1) with its mean training loss. */
  onEpoch?: (epoch: number, meanLoss: number) => void;
  /** Stops training cleanly before the next step once aborted (a Stop button's AbortController). */
  signal?: AbortSignal;
}

/**
 * Rows held in host memory (row-major): fit copies each batch into the module's memory, so only a batch, not the
 * table, takes WebAssembly memory. A table of 1,000 × 300,000 float32 values (1.2 GB) is larger than one block of
 * that memory may be, and with the network's weights, gradients and Adam's moments, more than its 4 GiB.
 */
export interface HostRows {
  readonly data: Float32Array;
  readonly shape: readonly [rows: number, features: number];
}

/** Rows `indices` of `data`, as a tensor in the module's memory (freed with the step's scope). */
export function batchOf(data: Tensor | HostRows, indices: Int32Array): Tensor {
  if (data instanceof Tensor) return indexRows(data, indices);
  const d = data.shape[1];
  const batch = zeros([indices.length, d]);
  const values = batch.data;
  for (let i = 0; i < indices.length; i++) values.set(data.data.subarray(indices[i] * d, indices[i] * d + d), i * d);
  return batch;
}

function positiveInteger(name: string, value: unknown): number {
  if (!Number.isSafeInteger(value) || (value as number) < 1)
    throw new RangeError(`fit: ${name} must be a positive integer; got ${String(value)}`);
  return value as number;
}

/**
 * Trains on the rows of a 2-D data tensor, or of rows in host memory; returns the mean loss of every completed epoch, and whether the
 * signal stopped it early (the parameters then hold the last completed step's values).
 */
export function fit(data: Tensor | HostRows, options: FitOptions): { epochLosses: number[]; stopped: boolean } {
  if (data?.shape?.length !== 2 || (!(data instanceof Tensor) && data.data?.length !== data.shape[0] * data.shape[1]))
    throw new RangeError(
      "fit: data must be a 2-D tensor [rows, features] or host rows { data, shape: [rows, features] }; got " +
        (data?.shape ? formatShape(data.shape) : String(data)),
    );
  const { optimizer, loss, shuffle = true, generator = globalGenerator(), onEpoch, signal } = options;
  const epochs = positiveInteger("epochs", options.epochs);
  const batchSize = positiveInteger("batchSize", options.batchSize);
  if (typeof loss !== "function")
    throw new TypeError("fit: options.loss must be a function (batch, indices) => scalar loss tensor");
  const rows = data.shape[0];
  const parameters = optimizer.entries.map((e) => e.parameter);
  const epochLosses: number[] = [];
  for (let epoch = 0; epoch < epochs; epoch++) {
    const order = shuffle ? generator.permutation(rows) : Int32Array.from({ length: rows }, (_, i) => i);
    let total = 0;
    for (let start = 0, step = 0; start < rows; start += batchSize, step++) {
      if (signal?.aborted) return { epochLosses, stopped: true };
      const indices = order.subarray(start, Math.min(rows, start + batchSize));
      total += scope(() => {
        optimizer.zeroGrad();
        const value = loss(batchOf(data, indices), indices);
        const item = value.item();
        if (!Number.isFinite(item)) {
          throw new RangeError(
            `fit: the loss is ${item} at epoch ${epoch + 1}, step ${step + 1}; ` +
              "training stopped before that step changed any parameter",
          );
        }
        value.backward();
        optimizer.step();
        return item * indices.length;
      });
    }
    applyConstraints(parameters, "epoch");
    epochLosses.push(total / rows);
    onEpoch?.(epoch + 1, total / rows);
  }
  return { epochLosses, stopped: false };
}
