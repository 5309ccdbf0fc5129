// Rewriting a tfjs variable's float32 data with the fewest copies its backend allows.
//
// - cpu: the variable's Float32Array is the backend's own storage (backend.data.get(dataId).values);
// - wasm: it is a region of tfjs's WebAssembly heap, viewed by backend.typedArrayFromHeap();
// - anything else (webgl, webgpu, tfjs-node): read with dataSync() (a download / copy) and write back with
//   variable.assign(tensor(…)) (an upload / copy).
// tfjs tensors are immutable and share buffers (after v.assign(t), t and v hold one buffer), so the storage is
// edited in place only while the variable is its buffer's sole owner (the backend's refCount is 1), which is the
// case after every optimizer step; otherwise the copy path runs and the other owner never sees a change.
import { engine, getBackend, tensor, type Variable } from "@tensorflow/tfjs-core";

/**
 * How a constraint wrote a variable: in place in the backend's own storage (cpu, wasm, when the variable is its
 * buffer's sole owner), or by a copy out and back (dataSync, then assign).
 */
export type WritePath = "in place" | "copy";

interface CpuBackend {
  data: { get(dataId: object): { values?: unknown } | undefined };
}
interface WasmBackend {
  typedArrayFromHeap(info: { shape: number[]; dtype: string; dataId: object }): unknown;
}

function ownStorage(v: Variable): Float32Array | null {
  const backend = engine().backend;
  if (v.dtype !== "float32" || backend.refCount(v.dataId) !== 1) return null;
  const name = getBackend();
  const values =
    name === "cpu"
      ? (backend as unknown as CpuBackend).data.get(v.dataId)?.values
      : name === "wasm"
        ? (backend as unknown as WasmBackend).typedArrayFromHeap(v)
        : null;
  return values instanceof Float32Array && values.length === v.size ? values : null;
}

/**
 * Calls `edit(source, target)` to write the variable's new data into `target`, reading its current data from
 * `source` (the same array on the in-place path), and stores the result. Returns the path taken.
 */
export function rewrite(v: Variable, edit: (source: Float32Array, target: Float32Array) => void): WritePath {
  const storage = ownStorage(v);
  if (storage) {
    edit(storage, storage);
    return "in place";
  }
  const target = new Float32Array(v.size);
  edit(v.dataSync() as Float32Array, target);
  const t = tensor(target, v.shape, "float32");
  v.assign(t);
  t.dispose();
  return "copy";
}
