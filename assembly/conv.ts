// Convolution by im2col (Chellapilla et al. 2006): one image's receptive fields unrolled into a matrix, so that a
// Conv2d is one product with the weight, on the SIMD matmul kernels. Layout: an image is [C, H, W] row-major (one
// item of an NCHW batch); its columns matrix is [C·kh·kw, oh·ow]: row (c, i, j), column (oy, ox) holds
// x[c, oy·stride − pad + i, ox·stride − pad + j], or 0 where that falls in the padding.

@inline function f32At(base: usize, index: i32): usize {
  return base + (<usize>index << 2);
}

// Walks every entry of one image's columns matrix with the pixel it reads: gathering (im2col) writes the pixel, or
// 0 in the padding, into the column; scattering (col2im, its adjoint) adds the column back into the pixel.
@inline function fields(image: usize, c: i32, h: i32, w: i32, kh: i32, kw: i32, stride: i32, pad: i32, oh: i32, ow: i32, cols: usize, gather: bool): void {
  const positions = oh * ow;
  for (let ch = 0; ch < c; ch++) {
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const row = f32At(cols, ((ch * kh + i) * kw + j) * positions);
        for (let oy = 0; oy < oh; oy++) {
          const y = oy * stride - pad + i;
          const column = f32At(row, oy * ow);
          if (y < 0 || y >= h) {
            if (gather) memory.fill(column, 0, <usize>ow << 2);
            continue;
          }
          const line = f32At(image, (ch * h + y) * w);
          for (let ox = 0; ox < ow; ox++) {
            const xx = ox * stride - pad + j;
            const inside = xx >= 0 && xx < w;
            if (gather) store<f32>(f32At(column, ox), inside ? load<f32>(f32At(line, xx)) : 0);
            else if (inside) store<f32>(f32At(line, xx), load<f32>(f32At(line, xx)) + load<f32>(f32At(column, ox)));
          }
        }
      }
    }
  }
}

// The unrolled fields of one image.
export function im2col(x: usize, c: i32, h: i32, w: i32, kh: i32, kw: i32, stride: i32, pad: i32, oh: i32, ow: i32, cols: usize): void {
  fields(x, c, h, w, kh, kw, stride, pad, oh, ow, cols, true);
}

// The adjoint of im2col: every column entry added back into the pixel it came from (dx must hold a value).
export function col2im(cols: usize, c: i32, h: i32, w: i32, kh: i32, kw: i32, stride: i32, pad: i32, oh: i32, ow: i32, dx: usize): void {
  fields(dx, c, h, w, kh, kw, stride, pad, oh, ow, cols, false);
}

// Nearest-neighbour upsampling by an integer factor s of `planes` planes of h × w: y[p, i, j] = x[p, i / s, j / s].
export function upsampleNearest(x: usize, planes: i32, h: i32, w: i32, s: i32, y: usize): void {
  const W = w * s;
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
