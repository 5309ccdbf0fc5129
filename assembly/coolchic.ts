// Cool-chic-lite's fitting ops (src/coolchic/pyramid.ts, laplace.ts): bilinear upsampling of one latent grid to the
// image and its adjoint, the ARM's padded gather and its scatter, and the Laplace rate with its derivatives.
// Layout: a grid is gh × gw row-major f32, an upsampled plane height × width row-major f32 (grid l has factor
// s = 2^l, gh = ⌈height/s⌉); gather indices are i32, −1 standing for a value outside the grid (read as 0). The rate
// is summed in f64 with AssemblyScript's own exp and log2, compiled into the module: the same bits in every engine.

@inline function f32At(base: usize, index: i32): usize {
  return base + (<usize>index << 2);
}

@inline function i32At(base: usize, index: i32): usize {
  return base + (<usize>index << 2);
}

// One output coordinate's bilinear source (align_corners = false, edges clamped), PyTorch's rule:
// src = (i + ½)/s − ½ clamped at 0, taps ⌊src⌋ and ⌊src⌋ + 1 clamped at n − 1, weight src − ⌊src⌋ on the second.
// For s = 2^shift, src = (2i + 1 − s)/2s, so ⌊src⌋ and the weight are a shift and a mask of 2i + 1 − s (the
// weight a multiple of 1/2s, exact in f32): the decoder's float64 geometry, without a division per pixel.
@inline function tapOf(i: i32, s: i32, shift: i32): i32 {
  const num = 2 * i + 1 - s;
  return num < 0 ? 0 : num >> (shift + 1);
}

@inline function weightOf(i: i32, s: i32, half: f32): f32 {
  const num = 2 * i + 1 - s;
  return num < 0 ? 0 : <f32>(num & (2 * s - 1)) * half;
}

// Visits every output pixel of a grid's upsampled plane with its four taps: forward, the pixel is the weighted sum
// of the taps, y[i, j] = (1 − ty)·((1 − tx)·x[r0, c0] + tx·x[r0, c1]) + ty·((1 − tx)·x[r1, c0] + tx·x[r1, c1]);
// the adjoint adds the pixel's gradient back into its taps with the same weights. s is a power of 2.
@inline function bilinearWalk(
  grid: usize, gh: i32, gw: i32, s: i32, height: i32, width: i32, plane: usize, adjoint: bool,
): void {
  const shift = ctz(s), half = <f32>0.5 / <f32>s;
  for (let i = 0; i < height; i++) {
    const fy = tapOf(i, s, shift), ty = weightOf(i, s, half);
    const r0 = f32At(grid, min(fy, gh - 1) * gw), r1 = f32At(grid, min(fy + 1, gh - 1) * gw);
    const row = f32At(plane, i * width);
    for (let j = 0; j < width; j++) {
      const fx = tapOf(j, s, shift), tx = weightOf(j, s, half);
      const c0 = min(fx, gw - 1), c1 = min(fx + 1, gw - 1);
      if (adjoint) {
        const d = load<f32>(f32At(row, j));
        const top = (<f32>1 - ty) * d, bottom = ty * d;
        store<f32>(f32At(r0, c0), load<f32>(f32At(r0, c0)) + (<f32>1 - tx) * top);
        store<f32>(f32At(r0, c1), load<f32>(f32At(r0, c1)) + tx * top);
        store<f32>(f32At(r1, c0), load<f32>(f32At(r1, c0)) + (<f32>1 - tx) * bottom);
        store<f32>(f32At(r1, c1), load<f32>(f32At(r1, c1)) + tx * bottom);
      } else {
        const top = (<f32>1 - tx) * load<f32>(f32At(r0, c0)) + tx * load<f32>(f32At(r0, c1));
        const bottom = (<f32>1 - tx) * load<f32>(f32At(r1, c0)) + tx * load<f32>(f32At(r1, c1));
        store<f32>(f32At(row, j), (<f32>1 - ty) * top + ty * bottom);
      }
    }
  }
}

export function upsampleBilinear(x: usize, gh: i32, gw: i32, s: i32, height: i32, width: i32, y: usize): void {
  bilinearWalk(x, gh, gw, s, height, width, y, false);
}

// Its adjoint, added into dx.
export function upsampleBilinearGrad(dy: usize, gh: i32, gw: i32, s: i32, height: i32, width: i32, dx: usize): void {
  bilinearWalk(dx, gh, gw, s, height, width, dy, true);
}

// y[i] = x[index[i]], or 0 where index[i] = −1; returns the first i whose index is outside −1..size − 1 (nothing
// read from there), or −1.
export function gatherPadded(x: usize, size: i32, index: usize, n: i32, y: usize): i32 {
  for (let i = 0; i < n; i++) {
    const k = load<i32>(i32At(index, i));
    if (k < -1 || k >= size) return i;
    store<f32>(f32At(y, i), k < 0 ? 0 : load<f32>(f32At(x, k)));
  }
  return -1;
}

// Its adjoint, added into dx: dx[index[i]] += dy[i], in order of i.
export function gatherPaddedGrad(dy: usize, index: usize, n: i32, dx: usize): void {
  for (let i = 0; i < n; i++) {
    const k = load<i32>(i32At(index, i));
    if (k >= 0) store<f32>(f32At(dx, k), load<f32>(f32At(dx, k)) + load<f32>(f32At(dy, i)));
  }
}

// The rate Σ −log₂ max(P(y_i), pMin) in bits of y under Laplace(μ_i, b_i = e^clamp(s_i, sMin, sMax)), with
// P(y) = F(y + ½) − F(y − ½) written for x = y − μ without cancellation (the bin lies on one side of μ or
// straddles it). The derivatives of each term go to dy (∂/∂y; ∂/∂μ is its negative) and ds (∂/∂s), zero where a
// clamp holds.
export function laplaceRate(
  y: usize, mu: usize, logScale: usize, n: i32, sMin: f64, sMax: f64, pMin: f64, dy: usize, ds: usize,
): f64 {
  let bits: f64 = 0;
  const floorBits = -Math.log2(pMin);
  for (let i = 0; i < n; i++) {
    const s = <f64>load<f32>(f32At(logScale, i));
    const b = Math.exp(s < sMin ? sMin : s > sMax ? sMax : s);
    const x = <f64>load<f32>(f32At(y, i)) - <f64>load<f32>(f32At(mu, i));
    const lo = x - 0.5, hi = x + 0.5;
    const eLo = Math.exp(-Math.abs(lo) / b), eHi = Math.exp(-Math.abs(hi) / b);
    const p = lo >= 0 ? 0.5 * (eLo - eHi) : hi <= 0 ? 0.5 * (eHi - eLo) : 1 - 0.5 * eLo - 0.5 * eHi;
    if (p < pMin) {
      bits += floorBits;
      store<f32>(f32At(dy, i), 0);
      store<f32>(f32At(ds, i), 0);
      continue;
    }
    bits -= Math.log2(p);
    const fLo = eLo / (2 * b), fHi = eHi / (2 * b);
    const dBits = -1 / (p * Math.LN2); // ∂(−log₂ P)/∂P
    store<f32>(f32At(dy, i), <f32>(dBits * (fHi - fLo)));
    // ∂F(t)/∂b = −(t/b)·f(t), and ∂b/∂s = b inside the clamp
    store<f32>(f32At(ds, i), s > sMin && s < sMax ? <f32>(dBits * -((x + 0.5) * fHi - (x - 0.5) * fLo)) : 0);
  }
  return bits;
}
