// The kernel vocabulary the autograd's ops are written in. Two implementations: the WebAssembly kernels on f32
// data in the module memory (wasm-backend.ts, what training uses) and plain TypeScript loops on f32 or f64
// arrays (ts-backend.ts: the fallback the kernels are tested against, and float64 for finite-difference checks).
// Matrices are row-major; a broadcasting operand is FULL (rows × cols), a ROW vector (cols), a COLUMN vector
// (rows) or a SCALAR — the same codes as assembly/elementwise.ts.

export const FULL = 0, ROW = 1, SCALAR = 2, COLUMN = 3;
export type Mode = typeof FULL | typeof ROW | typeof SCALAR | typeof COLUMN;

export const ADD = 0, SUB = 1, MUL = 2, DIV = 3;
export type BinaryOp = typeof ADD | typeof SUB | typeof MUL | typeof DIV;

export const EXP = 0, LOG = 1, RELU = 2, SILU = 3, TANH = 4, SIGMOID = 5;
export type UnaryOp = typeof EXP | typeof LOG | typeof RELU | typeof SILU | typeof TANH | typeof SIGMOID;

export const SMOOTH_L1 = 0, SQUARED = 1, ABSOLUTE = 2;
export type PointwiseLoss = typeof SMOOTH_L1 | typeof SQUARED | typeof ABSOLUTE;

export type DType = "float32" | "float64";

/** A tensor's storage as the kernels see it. */
export interface Buf {
  readonly length: number;
  /** A typed-array view of the data, valid until the next allocation in module memory: take it anew each time. */
  readonly array: Float32Array | Float64Array;
}

/** Integer indices (labels, batch rows) staged where the kernels read them. */
export interface Indices {
  readonly length: number;
  readonly array: Int32Array;
}

/** One image's convolution: channels, input size, kernel, stride, padding and the output size they give. */
export interface ConvGeometry {
  c: number;
  h: number;
  w: number;
  kh: number;
  kw: number;
  stride: number;
  pad: number;
  oh: number;
  ow: number;
}

export interface AdamScalars {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  biasCorrection1: number;
  biasCorrection2Sqrt: number;
}

export interface SgdScalars {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  first: boolean;
}

export interface Backend {
  readonly name: string;
  readonly dtype: DType;
  /** Storage for `length` values; its contents are unspecified until written. */
  alloc(length: number): Buf;
  /** Storage that lives until released (parameters, gradients, optimizer state), zero-filled; `ended` is what a use after release is told. */
  allocPersistent(length: number, ended: string): Buf;
  releasePersistent(buf: Buf): void;
  indices(values: ArrayLike<number>): Indices;
  /** `length` values of `buf` from `offset` on, sharing its storage and lifetime (one image of a batch). */
  view(buf: Buf, offset: number, length: number): Buf;

  /** C[m×n] (+)= op(A)·op(B): A is m×k (k×m when transA), B is k×n (n×k when transB); not both transposed. */
  matmul(a: Buf, b: Buf, c: Buf, m: number, n: number, k: number, transA: boolean, transB: boolean, accumulate: boolean): void;
  unary(op: UnaryOp, x: Buf, y: Buf, n: number): void;
  /** dx (+)= f'(x)·dy, with y = f(x). */
  unaryGrad(op: UnaryOp, x: Buf, y: Buf, dy: Buf, dx: Buf, n: number, accumulate: boolean): void;
  /** c = a ∘ b over rows × cols, each operand broadcast by its mode; c may be a or b. */
  binary(op: BinaryOp, a: Buf, aMode: Mode, b: Buf, bMode: Mode, c: Buf, rows: number, cols: number): void;
  /** y (+)= α·x. */
  scaleAdd(x: Buf, alpha: number, y: Buf, n: number, accumulate: boolean): void;
  /** out[j] (+)= Σ_i x[i, j]. */
  sumRows(x: Buf, rows: number, cols: number, out: Buf, accumulate: boolean): void;
  /** out[i] (+)= Σ_j x[i, j]. */
  sumCols(x: Buf, rows: number, cols: number, out: Buf, accumulate: boolean): void;
  sumAll(x: Buf, n: number): number;
  gatherRows(src: Buf, cols: number, index: Indices, dst: Buf): void;
  fill(x: Buf, n: number, value: number): void;

  /** Σ_i w[y_i]·(logsumexp(x_i) − x_{i,y_i}); the softmax goes to probs. */
  crossEntropy(logits: Buf, labels: Indices, weights: Buf | null, rows: number, k: number, probs: Buf): number;
  crossEntropyGrad(probs: Buf, labels: Indices, weights: Buf | null, rows: number, k: number, scale: number, dx: Buf, accumulate: boolean): void;
  /** Σ_i ℓ(a_i − b_i); a null b reads as zeros. */
  pointwiseLoss(kind: PointwiseLoss, a: Buf, b: Buf | null, n: number, beta: number): number;
  pointwiseLossGrad(kind: PointwiseLoss, a: Buf, b: Buf | null, n: number, beta: number, scale: number, da: Buf | null, accumulateA: boolean, db: Buf | null, accumulateB: boolean): void;
  /** c₀ + (1/n) Σ_i √(‖z_i‖² + c₁) − (1/(2n²)) Σ_i Σ_j ‖z_i − z_j‖ over the rows of z [n × k] (the Huber-energy latent loss). */
  huberEnergy(z: Buf, n: number, k: number, c0: number, c1: number): number;
  /** dz (+)= scale·∂/∂z of huberEnergy; a coincident pair contributes the subgradient 0. */
  huberEnergyGrad(z: Buf, n: number, k: number, c1: number, scale: number, dz: Buf, accumulate: boolean): void;

  /** One image [c, h, w] unrolled into its columns matrix [c·kh·kw, oh·ow] (assembly/conv.ts). */
  im2col(x: Buf, g: ConvGeometry, cols: Buf): void;
  /** The adjoint of im2col, added into dx. */
  col2im(cols: Buf, g: ConvGeometry, dx: Buf): void;
  /** Nearest-neighbour upsampling of `planes` planes h × w by the integer factor s, and its adjoint. */
  upsampleNearest(x: Buf, planes: number, h: number, w: number, s: number, y: Buf): void;
  upsampleNearestGrad(dy: Buf, planes: number, h: number, w: number, s: number, dx: Buf, accumulate: boolean): void;

  adamStep(w: Buf, g: Buf, m: Buf, v: Buf, mask: Buf | null, n: number, s: AdamScalars): void;
  sgdStep(w: Buf, g: Buf, buf: Buf | null, mask: Buf | null, n: number, s: SgdScalars): void;
}
