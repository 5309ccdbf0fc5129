// Convolution by im2col (Chellapilla et al. 2006): one image's receptive fields unrolled into a matrix, so that a
// Conv2d is one product with the weight, on the SIMD matmul kernels. Layout: an image is [C, H, W] row-major (one
// item of an NCHW batch); its columns matrix is [C·kh·kw, oh·ow]: row (c, i, j), column (oy, ox) holds
// x[c, oy·stride − pad + i, ox·stride − pad + j], or 0 where that falls in the padding.
import { K_BLOCK, madd, matmulNN, matmulNTStrided, matmulTN, storeDotTile } from "./matmul";

@inline function f32At(base: usize, index: i32): usize {
  return base + (<usize>index << 2);
}

// Walks every row segment of one image's columns matrix with the pixels it reads: gathering (im2col) copies the
// pixels, and 0 in the padding, into the column; scattering (col2im, its adjoint) adds the column back into the
// pixels. Within a segment the pixels inside the image form one run [lo, hi) of ox, so the run is copied or added
// without a test per pixel — contiguously with SIMD when stride is 1 (the decoder's convolutions).
// Small runs (a row of 7 to 28 values) copied and cleared inline: V8 calls out of the module for memory.copy/fill.
@inline function zero(at: usize, count: i32): void {
  let k = 0;
  for (; k + 4 <= count; k += 4) v128.store(f32At(at, k), f32x4.splat(0));
  for (; k < count; k++) store<f32>(f32At(at, k), 0);
}

@inline function copy(to: usize, from: usize, count: i32): void {
  let k = 0;
  for (; k + 4 <= count; k += 4) v128.store(f32At(to, k), v128.load(f32At(from, k)));
  for (; k < count; k++) store<f32>(f32At(to, k), load<f32>(f32At(from, k)));
}

@inline function fields(image: usize, c: i32, h: i32, w: i32, kh: i32, kw: i32, stride: i32, pad: i32, oh: i32, ow: i32, cols: usize, gather: bool): void {
  const positions = oh * ow;
  for (let ch = 0; ch < c; ch++) {
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const row = f32At(cols, ((ch * kh + i) * kw + j) * positions);
        // ox·stride − pad + j ∈ [0, w) ⇔ ox ∈ [lo, hi)
        const lo = min(ow, max(0, (pad - j + stride - 1) / stride));
        const hi = max(lo, min(ow, (w + pad - j + stride - 1) / stride));
        for (let oy = 0; oy < oh; oy++) {
          const y = oy * stride - pad + i;
          const column = f32At(row, oy * ow);
          if (y < 0 || y >= h) {
            if (gather) zero(column, ow);
            continue;
          }
          const first = f32At(f32At(image, (ch * h + y) * w), lo * stride - pad + j);
          if (gather) {
            zero(column, lo);
            zero(f32At(column, hi), ow - hi);
            if (stride == 1) copy(f32At(column, lo), first, hi - lo);
            else for (let ox = lo; ox < hi; ox++) store<f32>(f32At(column, ox), load<f32>(f32At(first, (ox - lo) * stride)));
          } else if (stride == 1) {
            let ox = lo;
            for (; ox + 4 <= hi; ox += 4) {
              const at = f32At(first, ox - lo);
              v128.store(at, f32x4.add(v128.load(at), v128.load(f32At(column, ox))));
            }
            for (; ox < hi; ox++) store<f32>(f32At(first, ox - lo), load<f32>(f32At(first, ox - lo)) + load<f32>(f32At(column, ox)));
          } else {
            for (let ox = lo; ox < hi; ox++) store<f32>(f32At(first, (ox - lo) * stride), load<f32>(f32At(first, (ox - lo) * stride)) + load<f32>(f32At(column, ox)));
          }
        }
      }
    }
  }
}

// The unrolled fields of `images` consecutive images, each image's columns matrix after the one before: one call
// per batch rather than one per image.
export function im2col(x: usize, c: i32, h: i32, w: i32, kh: i32, kw: i32, stride: i32, pad: i32, oh: i32, ow: i32, cols: usize, images: i32): void {
  const imageBytes = <usize>(c * h * w) << 2, colsBytes = <usize>(c * kh * kw * oh * ow) << 2;
  for (let i = 0; i < images; i++) fields(x + <usize>i * imageBytes, c, h, w, kh, kw, stride, pad, oh, ow, cols + <usize>i * colsBytes, true);
}

// The adjoint of im2col: every column entry added back into the pixel it came from (dx must hold a value).
export function col2im(cols: usize, c: i32, h: i32, w: i32, kh: i32, kw: i32, stride: i32, pad: i32, oh: i32, ow: i32, dx: usize): void {
  fields(dx, c, h, w, kh, kw, stride, pad, oh, ow, cols, false);
}

// Nearest-neighbour upsampling by an integer factor s of `planes` planes of h × w: y[p, i, j] = x[p, i / s, j / s].
export function upsampleNearest(x: usize, planes: i32, h: i32, w: i32, s: i32, y: usize): void {
  const W = w * s;
  if (s == 2) {
    // The decoder's factor: each source vector becomes two, every lane twice, written to both output rows.
    for (let r = 0; r < planes * h; r++) {
      const src = f32At(x, r * w), dst = f32At(y, 2 * r * W);
      let j = 0;
      for (; j + 4 <= w; j += 4) {
        const v = v128.load(f32At(src, j));
        const lo = v128.shuffle<f32>(v, v, 0, 0, 1, 1), hi = v128.shuffle<f32>(v, v, 2, 2, 3, 3);
        v128.store(f32At(dst, 2 * j), lo);
        v128.store(f32At(dst, 2 * j + 4), hi);
        v128.store(f32At(dst, W + 2 * j), lo);
        v128.store(f32At(dst, W + 2 * j + 4), hi);
      }
      for (; j < w; j++) {
        const v = load<f32>(f32At(src, j));
        store<f32>(f32At(dst, 2 * j), v);
        store<f32>(f32At(dst, 2 * j + 1), v);
        store<f32>(f32At(dst, W + 2 * j), v);
        store<f32>(f32At(dst, W + 2 * j + 1), v);
      }
    }
    return;
  }
  for (let p = 0; p < planes; p++) {
    for (let i = 0; i < h * s; i++) {
      const src = f32At(x, (p * h + i / s) * w), dst = f32At(y, (p * h * s + i) * W);
      for (let j = 0; j < W; j++) store<f32>(f32At(dst, j), load<f32>(f32At(src, j / s)));
    }
  }
}

// Its adjoint: dx[p, a, b] (+)= Σ over the s × s block of dy that pixel was copied to.
export function upsampleNearestGrad(dy: usize, planes: i32, h: i32, w: i32, s: i32, dx: usize, accumulate: i32): void {
  const W = w * s;
  if (s == 2) {
    // Four pixels a vector, summed in the general loop's order (from 0: 0 + −0 is +0 there too), so bit-identical.
    const zero = f32x4.splat(0);
    for (let r = 0; r < planes * h; r++) {
      const row0 = f32At(dy, 2 * r * W), row1 = f32At(row0, W), out = f32At(dx, r * w);
      let b = 0;
      for (; b + 4 <= w; b += 4) {
        const l0 = v128.load(f32At(row0, 2 * b)), h0 = v128.load(f32At(row0, 2 * b + 4));
        const l1 = v128.load(f32At(row1, 2 * b)), h1 = v128.load(f32At(row1, 2 * b + 4));
        let sum = f32x4.add(zero, v128.shuffle<f32>(l0, h0, 0, 2, 4, 6));
        sum = f32x4.add(sum, v128.shuffle<f32>(l0, h0, 1, 3, 5, 7));
        sum = f32x4.add(sum, v128.shuffle<f32>(l1, h1, 0, 2, 4, 6));
        sum = f32x4.add(sum, v128.shuffle<f32>(l1, h1, 1, 3, 5, 7));
        const at = f32At(out, b);
        v128.store(at, accumulate ? f32x4.add(v128.load(at), sum) : sum);
      }
      for (; b < w; b++) {
        let sum: f32 = 0;
        sum += load<f32>(f32At(row0, 2 * b));
        sum += load<f32>(f32At(row0, 2 * b + 1));
        sum += load<f32>(f32At(row1, 2 * b));
        sum += load<f32>(f32At(row1, 2 * b + 1));
        const at = f32At(out, b);
        store<f32>(at, accumulate ? load<f32>(at) + sum : sum);
      }
    }
    return;
  }
  for (let p = 0; p < planes; p++) {
    for (let a = 0; a < h; a++) {
      for (let b = 0; b < w; b++) {
        let sum: f32 = 0;
        for (let i = 0; i < s; i++) for (let j = 0; j < s; j++) sum += load<f32>(f32At(dy, (p * h * s + a * s + i) * W + b * s + j));
        const at = f32At(dx, (p * h + a) * w + b);
        store<f32>(at, accumulate ? load<f32>(at) + sum : sum);
      }
    }
  }
}

// Images [first, last) of a batch through one convolution, each image's columns unrolled into `cols` (one image's
// worth: this thread's scratch, still in cache for the product) and multiplied by the weight [o × c·kh·kw]:
// y_i = W·cols_i. The unit a thread takes when a batch is split over threads (src/pool/split.ts).
export function convForward(x: usize, weight: usize, cols: usize, y: usize, c: i32, h: i32, w: i32, kh: i32, kw: i32, stride: i32, pad: i32, oh: i32, ow: i32, o: i32, first: i32, last: i32): void {
  const positions = oh * ow;
  for (let i = first; i < last; i++) {
    fields(f32At(x, i * c * h * w), c, h, w, kh, kw, stride, pad, oh, ow, cols, true);
    matmulNN(weight, cols, f32At(y, i * o * positions), o, positions, c * kh * kw, 0);
  }
}

// The input gradient of images [first, last): dcols_i = Wᵀ·dY_i into `dcols` (one image's scratch), added back into
// dx_i by col2im (dx must hold a value).
export function convInputGrad(weight: usize, dy: usize, dcols: usize, dx: usize, c: i32, h: i32, w: i32, kh: i32, kw: i32, stride: i32, pad: i32, oh: i32, ow: i32, o: i32, first: i32, last: i32): void {
  const positions = oh * ow;
  for (let i = first; i < last; i++) {
    matmulTN(weight, f32At(dy, i * o * positions), dcols, c * kh * kw, positions, o, 0);
    fields(f32At(dx, i * c * h * w), c, h, w, kh, kw, stride, pad, oh, ow, dcols, false);
  }
}

// The weight gradient for input channels [first, last): dW[:, first·kh·kw, last·kh·kw) (+)= Σ_i dY_i·cols_iᵀ over
// the `images` images in order, each image's columns of those channels unrolled into `cols` (this thread's scratch,
// read back by the product from cache). The unit a thread takes when the gradient is split over threads: its
// columns of dW are summed by it alone, image after image as on one thread, so the split gives the same bits.
// The output size follows from the geometry (the call has no room for it: src/pool/control.ts, MAX_ARGS).
export function convWeightGrad(x: usize, dy: usize, cols: usize, dw: usize, c: i32, h: i32, w: i32, kh: i32, kw: i32, stride: i32, pad: i32, o: i32, images: i32, first: i32, last: i32, accumulate: i32): void {
  const oh = (h + 2 * pad - kh) / stride + 1, ow = (w + 2 * pad - kw) / stride + 1;
  const positions = oh * ow, channels = last - first;
  if (channels <= 0) return;
  const dwFirst = f32At(dw, first * kh * kw), ldc = <usize>(c * kh * kw) << 2;
  for (let i = 0; i < images; i++) {
    fields(f32At(x, (i * c + first) * h * w), channels, h, w, kh, kw, stride, pad, oh, ow, cols, true);
    matmulNTStrided(f32At(dy, i * o * positions), cols, dwFirst, o, channels * kh * kw, positions, ldc, accumulate || i > 0 ? 1 : 0);
  }
}

// ---- a stride-1 convolution without its columns matrix ----
// convForward unrolls 451 KB of columns per image for the last decoder layer (16 → 1 channel at 28 × 28), then reads
// them once for a product with one output row: the unrolling was nearly all of its time. For stride 1 the columns are
// shifted windows of the zero-padded image, cols(f, (oy, ox)) = P[ch, oy + i, ox + j] for f = (ch, i, j), so the
// product can read them there. Each output element takes the product's own operations (matmulNN, the axpy form):
// its fields in blocks of K_BLOCK, in order, each block summed from zero with madd and added to the blocks before —
// the same bits, when every column of the product is a vector lane (positions % 4 = 0: no scalar tail columns).

// The byte offset of field f = (ch, i, j) in a zero-padded image of rows pw wide: where its window starts.
@inline function fieldOffsets(offsets: usize, channels: i32, kh: i32, kw: i32, ph: i32, pw: i32): void {
  for (let ch = 0; ch < channels; ch++)
    for (let i = 0; i < kh; i++)
      for (let j = 0; j < kw; j++) store<i32>(offsets + (<usize>((ch * kh + i) * kw + j) << 2), ((ch * ph + i) * pw + j) << 2);
}

// An image's channels into the interior of their zero-padded copy (the border stays as it was zeroed).
@inline function padImage(padded: usize, image: usize, channels: i32, h: i32, w: i32, pad: i32): void {
  const ph = h + 2 * pad, pw = w + 2 * pad;
  for (let ch = 0; ch < channels; ch++)
    for (let r = 0; r < h; r++) copy(f32At(padded, (ch * ph + r + pad) * pw + pad), f32At(image, (ch * h + r) * w), w);
}

// `count` (1..4) lanes of a vector at c, the others 0.
@inline function loadLanes(c: usize, count: i32): v128 {
  if (count >= 4) return v128.load(c);
  let v = v128.load32_zero(c);
  if (count > 1) v = v128.load32_lane(c + 4, v, 1);
  if (count > 2) v = v128.load32_lane(c + 8, v, 2);
  return v;
}

@inline function storeLanes(c: usize, v: v128, count: i32): void {
  if (count >= 4) {
    v128.store(c, v);
    return;
  }
  store<f32>(c, f32x4.extract_lane(v, 0));
  if (count > 1) store<f32>(c + 4, f32x4.extract_lane(v, 1));
  if (count > 2) store<f32>(c + 8, f32x4.extract_lane(v, 2));
}

// Output rows r0..r0+rows (rows 1..4 a constant) at `count` (1..8) positions from ox0 of output row oy.
@inline function directTile(offsets: usize, weight: usize, fields: i32, positions: i32, rowAt: usize, cAt: usize, count: i32, rows: i32): void {
  const wStride = <usize>fields << 2, cStride = <usize>positions << 2;
  const zero = f32x4.splat(0);
  const n0 = min(count, 4), n1 = count - 4;
  for (let p0 = 0; p0 < fields; p0 += K_BLOCK) {
    const kc = min(K_BLOCK, fields - p0);
    let s00 = zero, s01 = zero, s10 = zero, s11 = zero, s20 = zero, s21 = zero, s30 = zero, s31 = zero;
    let a = weight + (<usize>p0 << 2);
    for (let p = p0; p < p0 + kc; p++) {
      const src = rowAt + <usize>load<i32>(offsets + (<usize>p << 2));
      const b0 = v128.load(src), b1 = v128.load(src, 16);
      let x = v128.load32_splat(a);
      s00 = madd(s00, x, b0);
      s01 = madd(s01, x, b1);
      if (rows > 1) {
        x = v128.load32_splat(a + wStride);
        s10 = madd(s10, x, b0);
        s11 = madd(s11, x, b1);
      }
      if (rows > 2) {
        x = v128.load32_splat(a + 2 * wStride);
        s20 = madd(s20, x, b0);
        s21 = madd(s21, x, b1);
      }
      if (rows > 3) {
        x = v128.load32_splat(a + 3 * wStride);
        s30 = madd(s30, x, b0);
        s31 = madd(s31, x, b1);
      }
      a += 4;
    }
    const more = p0 > 0;
    directStore(cAt, s00, s01, n0, n1, more);
    if (rows > 1) directStore(cAt + cStride, s10, s11, n0, n1, more);
    if (rows > 2) directStore(cAt + 2 * cStride, s20, s21, n0, n1, more);
    if (rows > 3) directStore(cAt + 3 * cStride, s30, s31, n0, n1, more);
  }
}

// A block's sums into C's valid lanes, added to the blocks before (matmulNN's accumulate form: s + C).
@inline function directStore(c: usize, s0: v128, s1: v128, n0: i32, n1: i32, more: bool): void {
  storeLanes(c, more ? f32x4.add(s0, loadLanes(c, n0)) : s0, n0);
  if (n1 > 0) storeLanes(c + 16, more ? f32x4.add(s1, loadLanes(c + 16, n1)) : s1, n1);
}

// Images [first, last) of a stride-1 convolution, y_i = W·cols_i, with `scratch` this thread's: the zero-padded
// image (c·(h + 2pad)·(w + 2pad) values and 8 of slack for the last tile's unused lanes), then each field's byte
// offset in it (c·kh·kw i32). The caller takes it only where oh·ow % 4 = 0.
export function convForwardDirect(x: usize, weight: usize, scratch: usize, y: usize, c: i32, h: i32, w: i32, kh: i32, kw: i32, pad: i32, o: i32, first: i32, last: i32): void {
  const ph = h + 2 * pad, pw = w + 2 * pad, oh = ph - kh + 1, ow = pw - kw + 1;
  const fields = c * kh * kw, positions = oh * ow;
  const padded = scratch, offsets = f32At(scratch, c * ph * pw + 8);
  fieldOffsets(offsets, c, kh, kw, ph, pw);
  zero(padded, c * ph * pw + 8);
  for (let img = first; img < last; img++) {
    const image = f32At(x, img * c * h * w);
    padImage(padded, image, c, h, w, pad);
    const yimg = f32At(y, img * o * positions);
    for (let oy = 0; oy < oh; oy++) {
      for (let ox0 = 0; ox0 < ow; ox0 += 8) {
        const count = min(8, ow - ox0);
        const rowAt = f32At(padded, oy * pw + ox0), cAt = f32At(yimg, oy * ow + ox0);
        let r0 = 0;
        for (; r0 + 4 <= o; r0 += 4) directTile(offsets, f32At(weight, r0 * fields), fields, positions, rowAt, f32At(cAt, r0 * positions), count, 4);
        const left = o - r0, wAt = f32At(weight, r0 * fields), at = f32At(cAt, r0 * positions);
        if (left == 3) directTile(offsets, wAt, fields, positions, rowAt, at, count, 3);
        else if (left == 2) directTile(offsets, wAt, fields, positions, rowAt, at, count, 2);
        else if (left == 1) directTile(offsets, wAt, fields, positions, rowAt, at, count, 1);
      }
    }
  }
}

// The weight gradient of a stride-1 convolution whose output rows are whole vectors (ow % 4 = 0, oh·ow ≥ 8), for
// input channels [first, last), without the columns: matmulNTStrided's dot form (one or two rows of dY_i against
// four columns of cols_iᵀ, one lane accumulator each from +0, madd along the positions four at a time, summed across
// lanes by sum4, then added to dW) with each column of cols_i — a field's window — read from the zero-padded image,
// a vector of positions being four pixels of one padded row. The same bits as convWeightGrad.
@inline function windowTile(a: usize, ld: usize, padded: usize, offsets: usize, f: i32, c: usize, ldc: usize, oh: i32, ow: i32, pw: i32, rows: i32, cols: i32, accumulate: i32): void {
  const zero = f32x4.splat(0);
  let s00 = zero, s01 = zero, s02 = zero, s03 = zero, s10 = zero, s11 = zero, s12 = zero, s13 = zero;
  const b0 = padded + <usize>load<i32>(offsets + (<usize>f << 2));
  const b1 = cols > 1 ? padded + <usize>load<i32>(offsets + (<usize>(f + 1) << 2)) : b0;
  const b2 = cols > 2 ? padded + <usize>load<i32>(offsets + (<usize>(f + 2) << 2)) : b0;
  const b3 = cols > 3 ? padded + <usize>load<i32>(offsets + (<usize>(f + 3) << 2)) : b0;
  for (let oy = 0; oy < oh; oy++) {
    const row = <usize>(oy * pw) << 2;
    for (let x = 0; x < ow; x += 4) {
      const at = row + (<usize>x << 2);
      const a0 = v128.load(a), a1 = rows > 1 ? v128.load(a + ld) : zero;
      let y = v128.load(b0 + at);
      s00 = madd(s00, a0, y);
      if (rows > 1) s10 = madd(s10, a1, y);
      if (cols > 1) {
        y = v128.load(b1 + at);
        s01 = madd(s01, a0, y);
        if (rows > 1) s11 = madd(s11, a1, y);
      }
      if (cols > 2) {
        y = v128.load(b2 + at);
        s02 = madd(s02, a0, y);
        if (rows > 1) s12 = madd(s12, a1, y);
      }
      if (cols > 3) {
        y = v128.load(b3 + at);
        s03 = madd(s03, a0, y);
        if (rows > 1) s13 = madd(s13, a1, y);
      }
      a += 16;
    }
  }
  storeDotTile(c, ldc, s00, s01, s02, s03, s10, s11, s12, s13, rows, cols, accumulate);
}

@inline function windowColumns(dyimg: usize, ld: usize, padded: usize, offsets: usize, f: i32, c: usize, ldc: usize, o: i32, oh: i32, ow: i32, pw: i32, cols: i32, accumulate: i32): void {
  let i = 0;
  for (; i + 2 <= o; i += 2) windowTile(dyimg + <usize>i * ld, ld, padded, offsets, f, c + <usize>i * ldc, ldc, oh, ow, pw, 2, cols, accumulate);
  if (i < o) windowTile(dyimg + <usize>i * ld, ld, padded, offsets, f, c + <usize>i * ldc, ldc, oh, ow, pw, 1, cols, accumulate);
}

// `scratch`: the zero-padded channels [first, last) of an image (and 8 values of slack), then their fields' offsets.
export function convWeightGradDirect(x: usize, dy: usize, scratch: usize, dw: usize, c: i32, h: i32, w: i32, kh: i32, kw: i32, pad: i32, o: i32, images: i32, first: i32, last: i32, accumulate: i32): void {
  const ph = h + 2 * pad, pw = w + 2 * pad, oh = ph - kh + 1, ow = pw - kw + 1;
  const positions = oh * ow, channels = last - first;
  if (channels <= 0) return;
  const n = channels * kh * kw, ld = <usize>positions << 2, ldc = <usize>(c * kh * kw) << 2;
  const padded = scratch, offsets = f32At(scratch, channels * ph * pw + 8);
  fieldOffsets(offsets, channels, kh, kw, ph, pw);
  zero(padded, channels * ph * pw + 8);
  const dwFirst = f32At(dw, first * kh * kw);
  for (let img = 0; img < images; img++) {
    const image = f32At(x, (img * c + first) * h * w), dyimg = f32At(dy, img * o * positions);
    padImage(padded, image, channels, h, w, pad);
    const acc = accumulate || img > 0 ? 1 : 0;
    let f = 0;
    for (; f + 4 <= n; f += 4) windowColumns(dyimg, ld, padded, offsets, f, f32At(dwFirst, f), ldc, o, oh, ow, pw, 4, acc);
    const left = n - f, at = f32At(dwFirst, f);
    if (left == 3) windowColumns(dyimg, ld, padded, offsets, f, at, ldc, o, oh, ow, pw, 3, acc);
    else if (left == 2) windowColumns(dyimg, ld, padded, offsets, f, at, ldc, o, oh, ow, pw, 2, acc);
    else if (left == 1) windowColumns(dyimg, ld, padded, offsets, f, at, ldc, o, oh, ow, pw, 1, acc);
  }
}
