// The kernels the autograd's ops are written in, as two interfaces: the primitives, the small vocabulary every
// op composes (storage, products, elementwise maps, broadcasting arithmetic, sums, layout), and the fused kernels,
// each one op's whole forward or backward in one pass where a composition would lose precision or make several
// passes (cross-entropy, the pointwise losses, the Huber-energy loss, upsampling, the optimizer steps). Two
// implementations: the WebAssembly kernels on f32 data in the module memory (wasm-backend.ts, what training uses)
// and plain TypeScript loops on f32 or f64 arrays (ts-backend.ts: the fallback the kernels are tested against, and
// float64 for finite-difference checks).
// Matrices are row-major. An elementwise function, a binary operation, a broadcast mode or a pointwise loss is
// handed to a kernel as its table entry: the WebAssembly backend passes its code, the TypeScript backend runs its
// math. scripts/build.mjs writes the codes into assembly/op-codes.generated.ts from these tables.

/** A tensor's element type: float32 on the WebAssembly kernels, float64 on TypeScript loops (gradient checks). */
export type DType = "float32" | "float64";

/** One elementwise function f (the entries are defined in ops.ts, beside the op each makes). */
export interface UnaryOp {
  readonly code: number;
  readonly name: string;
  /** f(x), in float64. */
  forward(x: number): number;
  /** f'(x) from the input x or the saved output y = f(x), whichever is cheaper. */
  derivative(x: number, y: number): number;
}

/** Every elementwise function, by code: ops.ts adds each one as it defines it. */
export const UNARY_OPS: UnaryOp[] = [];

/** One binary operation of the broadcasting arithmetic; ops.ts writes each one's backward. */
export interface BinaryOp {
  readonly code: number;
  readonly name: string;
  apply(a: number, b: number): number;
}

export const ADD: BinaryOp = { code: 0, name: "add", apply: (a, b) => a + b };
export const SUB: BinaryOp = { code: 1, name: "sub", apply: (a, b) => a - b };
export const MUL: BinaryOp = { code: 2, name: "mul", apply: (a, b) => a * b };
export const DIV: BinaryOp = { code: 3, name: "div", apply: (a, b) => a / b };
export const BINARY_OPS: readonly BinaryOp[] = [ADD, SUB, MUL, DIV];

/** How a broadcasting operand covers rows × cols: where value (i, j) is in its storage. */
export interface Mode {
  readonly code: number;
  readonly name: string;
  index(i: number, j: number, cols: number): number;
}

export const FULL: Mode = { code: 0, name: "full", index: (i, j, cols) => i * cols + j };
/** A row vector (cols values, the same for every row: a bias). */
export const ROW: Mode = { code: 1, name: "row", index: (_i, j) => j };
export const SCALAR: Mode = { code: 2, name: "scalar", index: () => 0 };
/** A column vector (rows values, the same across a row). */
export const COLUMN: Mode = { code: 3, name: "column", index: (i) => i };
export const MODES: readonly Mode[] = [FULL, ROW, SCALAR, COLUMN];

/** One pointwise loss ℓ(d) of d = a − b with its parameter β (the entries are in losses.ts). */
export interface PointwiseLoss {
  readonly code: number;
  readonly name: string;
  value(d: number, beta: number): number;
  /** ℓ'(d); 0 where ℓ has a corner at 0, as PyTorch's sign. */
  slope(d: number, beta: number): number;
}

/** A tensor's storage as the kernels see it. */
/**
 * A kernel's storage: `length` values behind a typed array (f32 or f64).
 * @inline
 */
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

/** The vocabulary: every op in ops.ts and conv.ts is written in these. */
export interface Primitives {
  readonly name: string;
  readonly dtype: DType;
  /** Storage for `length` values; its contents are unspecified until written. */
  alloc(length: number): Buf;
  /**
   * Storage that lives until released (parameters, gradients, optimizer state), zero-filled; `ended` is what a use
   * after release is told.
   */
  allocPersistent(length: number, ended: string): Buf;
  releasePersistent(buf: Buf): void;
  indices(values: ArrayLike<number>): Indices;
  /** `length` values of `buf` from `offset` on, sharing its storage and lifetime (one image of a batch). */
  view(buf: Buf, offset: number, length: number): Buf;

  /** C[m×n] (+)= op(A)·op(B): A is m×k (k×m when transA), B is k×n (n×k when transB); not both transposed. */
  matmul(
    a: Buf,
    b: Buf,
    c: Buf,
    m: number,
    n: number,
    k: number,
    transA: boolean,
    transB: boolean,
    accumulate: boolean,
  ): void;
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
  /** Index of the first NaN or ±Infinity among x's first n values, or −1. */
  firstNonFinite(x: Buf, n: number): number;

  /**
   * `images` consecutive images [c, h, w] unrolled into their columns matrices [c·kh·kw, oh·ow], one after another
   * (assembly/conv.ts).
   */
  im2col(x: Buf, g: ConvGeometry, cols: Buf, images: number): void;
  /** The adjoint of im2col, added into dx. */
  col2im(cols: Buf, g: ConvGeometry, dx: Buf): void;
}

/** One op's forward or backward in one kernel; each kernel's TypeScript form is beside its op. */
export interface FusedKernels {
  /** Σ_i w[y_i]·(logsumexp(x_i) − x_{i,y_i}); the softmax goes to probs (losses.ts). */
  crossEntropy(logits: Buf, labels: Indices, weights: Buf | null, rows: number, k: number, probs: Buf): number;
  crossEntropyGrad(
    probs: Buf,
    labels: Indices,
    weights: Buf | null,
    rows: number,
    k: number,
    scale: number,
    dx: Buf,
    accumulate: boolean,
  ): void;
  /** Σ_i ℓ(a_i − b_i); a null b reads as zeros (losses.ts). */
  pointwiseLoss(kind: PointwiseLoss, a: Buf, b: Buf | null, n: number, beta: number): number;
  pointwiseLossGrad(
    kind: PointwiseLoss,
    a: Buf,
    b: Buf | null,
    n: number,
    beta: number,
    scale: number,
    da: Buf | null,
    accumulateA: boolean,
    db: Buf | null,
    accumulateB: boolean,
  ): void;
  /**
   * c₀ + (1/n) Σ_i √(‖z_i‖² + c₁) − (1/(2n²)) Σ_i Σ_j ‖z_i − z_j‖ over the rows of z [n × k]:
   * the Huber-energy latent loss (src/generative/huber-energy.ts).
   */
  huberEnergy(z: Buf, n: number, k: number, c0: number, c1: number): number;
  /** dz (+)= scale·∂/∂z of huberEnergy; a coincident pair contributes the subgradient 0. */
  huberEnergyGrad(z: Buf, n: number, k: number, c1: number, scale: number, dz: Buf, accumulate: boolean): void;
  /** y_i = W·im2col(x_i) for each of `images` images (W [o, c·kh·kw], y [images, o, oh·ow]): conv2d's product
   * (conv.ts). */
  convForward(x: Buf, weight: Buf, y: Buf, g: ConvGeometry, o: number, images: number): void;
  /** dx_i += col2im(Wᵀ·dY_i) for each image: conv2d's input gradient (dx must hold a value). */
  convInputGrad(weight: Buf, dy: Buf, dx: Buf, g: ConvGeometry, o: number, images: number): void;
  /** dW (+)= Σ_i dY_i·im2col(x_i)ᵀ over the images in order: conv2d's weight gradient (dW [o, c·kh·kw]). */
  convWeightGrad(x: Buf, dy: Buf, dw: Buf, g: ConvGeometry, o: number, images: number, accumulate: boolean): void;
  /** Nearest-neighbour upsampling of `planes` planes h × w by the integer factor s, and its adjoint (conv.ts). */
  upsampleNearest(x: Buf, planes: number, h: number, w: number, s: number, y: Buf): void;
  upsampleNearestGrad(dy: Buf, planes: number, h: number, w: number, s: number, dx: Buf, accumulate: boolean): void;
  /**
   * Bilinear upsampling (align_corners = false, edges clamped) of one latent grid gh × gw by the factor s to
   * height × width, and its adjoint added into dx (Cool-chic-lite's upsamplePyramid, src/coolchic/pyramid.ts).
   */
  upsampleBilinear(x: Buf, gh: number, gw: number, s: number, height: number, width: number, y: Buf): void;
  upsampleBilinearGrad(dy: Buf, gh: number, gw: number, s: number, height: number, width: number, dx: Buf): void;
  /**
   * y[i] = x[index[i]], 0 where index[i] is −1; returns the first i whose index is outside −1..size − 1, or −1. The
   * adjoint adds dy back into dx (src/coolchic/pyramid.ts).
   */
  gatherPadded(x: Buf, size: number, index: Indices, y: Buf): number;
  gatherPaddedGrad(dy: Buf, index: Indices, dx: Buf): void;
  /**
   * Σ −log₂ max(P(y_i), 2⁻¹⁶) under Laplace(μ_i, e^clamp(s_i)), in bits; each term's ∂/∂y goes to dy and ∂/∂s to ds
   * (src/coolchic/laplace.ts).
   */
  laplaceRate(y: Buf, mu: Buf, logScale: Buf, n: number, dy: Buf, ds: Buf): number;
  /** The optimizers' updates (src/optim), masked entries held at 0. */
  adamStep(w: Buf, g: Buf, m: Buf, v: Buf, mask: Buf | null, n: number, s: AdamScalars): void;
  sgdStep(w: Buf, g: Buf, buf: Buf | null, mask: Buf | null, n: number, s: SgdScalars): void;
}

export type Backend = Primitives & FusedKernels;
