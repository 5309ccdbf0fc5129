// f32 matrix products for the autoencoder's dense layers: C[m×n] = (or +=) op(A)·op(B).
//
// Layout: every matrix is row-major f32 with no padding, passed as a byte offset into the module memory,
// element (r, s) of an R×S matrix at ptr + 4·(r·S + s); only 4-byte alignment is assumed (v128 loads and
// stores are unaligned). `accumulate` = 0 overwrites C without reading it (it may hold garbage or NaN),
// 1 adds to it. Any m, n, k ≥ 0; nothing is allocated.
//
// Why each form is blocked as it is:
//   NN (A m×k) and TN (A stored k×m) read B the same way, row by row along n, and differ only in where
//     A(i,p) sits, so both run one axpy-form kernel with A's strides as arguments: C(i, j..j+8) += A(i,p)·B(p,
//     j..j+8). A 4-row × 8-column register tile holds 8 accumulators, 2 B vectors, a splat and a product:
//     12 of the 16 xmm registers (V8 keeps one as scratch), so nothing spills, and each B load feeds 4 rows,
//     each A splat 2 vectors: 6 loads per 16 vector ops, below the 2 loads per cycle x86 sustains. Loops
//     run inner over k, so C is read/written once per tile, and when k is small (backward pass, k = batch
//     size) the tile is mostly that one store. The kernel is inlined into each export, so the stride that is
//     a constant there (NN: 4 along k; TN: 4 across rows) folds into address offsets.
//     k runs in blocks of K_BLOCK = 64 (C re-read once per block): TN with m = 1000 steps A by 4 KB per p, so
//     an unblocked tile touches k pages of A and the L1 DTLB misses; measured in Node on this machine, 64
//     lifts TN m=1000 n=100 k=256 from ~36 to ~40 GFLOP/s and moves NN within ±2% (noise).
//   NT (B stored n×k) has both operands contiguous along k, so it is a dot-product form vectorised over k:
//     2 A rows × 4 B rows = 8 accumulators, 6 loads per 16 vector ops, and the horizontal sums of a row's
//     4 accumulators collapse (two unpack/add rounds) into one vector C(i, j..j+4), one contiguous store.
//     Tiles run j-outer, i-inner: the tile's 4 B rows (16 KB at k = 1000) stay in L1 while A streams.
//     k % 4 leftovers are taken first: one vector at offset 0 masked to its k % 4 lanes (in both operands,
//     so ∞·0 cannot appear), then whole vectors from offset k % 4, so the main loop carries no mask.
//   NT with k < SMALL_K (the 2-class latent) has too little k to fill vectors, so it turns around: four B
//     rows are transposed once into k registers Bᵀ(p, j..j+4) and every row of A is swept against them,
//     C(i, j..j+4) = Σ_p A(i,p)·Bᵀ(p, j..j+4); k is a compile-time constant in each specialisation.
//   No packing into scratch: unpacked, the listed shapes already run at 36–45 GFLOP/s, the rate of the
//   L1-resident 64×64×64 product (~39–41 GFLOP/s, the 128-bit mul + add ceiling here), so a copy has nothing
//   left to win (bench/matmul-speed.mjs).

const SMALL_K = 8;
export const K_BLOCK = 64;
const N_PANEL = 1024; // a multiple of the 8-column tile

// acc + x·y: two roundings in the SIMD build; in the relaxed-SIMD build (asconfig.json, target relaxed) one fused
// multiply-add where the engine and CPU have it (x86 FMA3, Arm), which doubles the products' peak rate.
@inline export function madd(acc: v128, x: v128, y: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(x, y, acc);
  return f32x4.add(acc, f32x4.mul(x, y));
}

@inline function storeVector(c: usize, value: v128, accumulate: i32): void {
  v128.store(c, accumulate ? f32x4.add(v128.load(c), value) : value);
}

@inline function storeScalar(c: usize, value: f32, accumulate: i32): void {
  store<f32>(c, accumulate ? load<f32>(c) + value : value);
}

// The first `count` (0..3) lanes of a vector store; the others are dropped.
@inline function storeLanes(c: usize, value: v128, count: i32, accumulate: i32): void {
  storeScalar(c, f32x4.extract_lane(value, 0), accumulate);
  if (count > 1) storeScalar(c + 4, f32x4.extract_lane(value, 1), accumulate);
  if (count > 2) storeScalar(c + 8, f32x4.extract_lane(value, 2), accumulate);
}

// [Σ v0, Σ v1, Σ v2, Σ v3]: unpack pairs and add twice.
@inline function sum4(v0: v128, v1: v128, v2: v128, v3: v128): v128 {
  const t0 = f32x4.add(v128.shuffle<f32>(v0, v1, 0, 4, 1, 5), v128.shuffle<f32>(v0, v1, 2, 6, 3, 7));
  const t1 = f32x4.add(v128.shuffle<f32>(v2, v3, 0, 4, 1, 5), v128.shuffle<f32>(v2, v3, 2, 6, 3, 7));
  return f32x4.add(v128.shuffle<f32>(t0, t1, 0, 1, 4, 5), v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
}

// A dot-form tile's result: row r's `cols` outputs are the lane sums of s_r0 … s_r3 (rows 1 or 2, cols 1 to 4).
@inline export function storeDotTile(
  c: usize, ldc: usize, s00: v128, s01: v128, s02: v128, s03: v128, s10: v128, s11: v128, s12: v128, s13: v128,
  rows: i32, cols: i32, accumulate: i32,
): void {
  const r0 = sum4(s00, s01, s02, s03);
  if (cols > 3) storeVector(c, r0, accumulate);
  else storeLanes(c, r0, cols, accumulate);
  if (rows > 1) {
    const r1 = sum4(s10, s11, s12, s13);
    if (cols > 3) storeVector(c + ldc, r1, accumulate);
    else storeLanes(c + ldc, r1, cols, accumulate);
  }
}

// ---- axpy form (NN, TN) ----

// C(rows × 4·vecs) at c (+)= Σ_p A(i,p)·B(p, ·); A(i,p) at a + i·ars + p·aps, B(p, ·) at b + p·ldb.
// rows (1..4) and vecs (1..2) are constants at every call site.
@inline function axpyTile(a: usize, ars: usize, aps: usize, b: usize, ldb: usize, c: usize, ldc: usize, k: i32, rows: i32, vecs: i32, accumulate: i32): void {
  const zero = f32x4.splat(0);
  let s00 = zero, s01 = zero, s10 = zero, s11 = zero, s20 = zero, s21 = zero, s30 = zero, s31 = zero;
  for (let p = 0; p < k; p++) {
    const b0 = v128.load(b);
    const b1 = vecs > 1 ? v128.load(b, 16) : zero;
    let x = v128.load32_splat(a);
    s00 = madd(s00, x, b0);
    if (vecs > 1) s01 = madd(s01, x, b1);
    if (rows > 1) {
      x = v128.load32_splat(a + ars);
      s10 = madd(s10, x, b0);
      if (vecs > 1) s11 = madd(s11, x, b1);
    }
    if (rows > 2) {
      x = v128.load32_splat(a + 2 * ars);
      s20 = madd(s20, x, b0);
      if (vecs > 1) s21 = madd(s21, x, b1);
    }
    if (rows > 3) {
      x = v128.load32_splat(a + 3 * ars);
      s30 = madd(s30, x, b0);
      if (vecs > 1) s31 = madd(s31, x, b1);
    }
    a += aps;
    b += ldb;
  }
  // One test of `accumulate` per tile, not per vector: with tiny k the stores are most of the tile.
  if (accumulate) {
    s00 = f32x4.add(s00, v128.load(c));
    if (vecs > 1) s01 = f32x4.add(s01, v128.load(c, 16));
    if (rows > 1) {
      s10 = f32x4.add(s10, v128.load(c + ldc));
      if (vecs > 1) s11 = f32x4.add(s11, v128.load(c + ldc, 16));
    }
    if (rows > 2) {
      s20 = f32x4.add(s20, v128.load(c + 2 * ldc));
      if (vecs > 1) s21 = f32x4.add(s21, v128.load(c + 2 * ldc, 16));
    }
    if (rows > 3) {
      s30 = f32x4.add(s30, v128.load(c + 3 * ldc));
      if (vecs > 1) s31 = f32x4.add(s31, v128.load(c + 3 * ldc, 16));
    }
  }
  v128.store(c, s00);
  if (vecs > 1) v128.store(c, s01, 16);
  if (rows > 1) {
    v128.store(c + ldc, s10);
    if (vecs > 1) v128.store(c + ldc, s11, 16);
  }
  if (rows > 2) {
    v128.store(c + 2 * ldc, s20);
    if (vecs > 1) v128.store(c + 2 * ldc, s21, 16);
  }
  if (rows > 3) {
    v128.store(c + 3 * ldc, s30);
    if (vecs > 1) v128.store(c + 3 * ldc, s31, 16);
  }
}

// The n % 4 last columns, one at a time: rows (1..4) scalar dot products down a column of B.
@inline function axpyColumn(a: usize, ars: usize, aps: usize, b: usize, ldb: usize, c: usize, ldc: usize, k: i32, rows: i32, accumulate: i32): void {
  let s0: f32 = 0, s1: f32 = 0, s2: f32 = 0, s3: f32 = 0;
  for (let p = 0; p < k; p++) {
    const y = load<f32>(b);
    s0 += load<f32>(a) * y;
    if (rows > 1) s1 += load<f32>(a + ars) * y;
    if (rows > 2) s2 += load<f32>(a + 2 * ars) * y;
    if (rows > 3) s3 += load<f32>(a + 3 * ars) * y;
    a += aps;
    b += ldb;
  }
  storeScalar(c, s0, accumulate);
  if (rows > 1) storeScalar(c + ldc, s1, accumulate);
  if (rows > 2) storeScalar(c + 2 * ldc, s2, accumulate);
  if (rows > 3) storeScalar(c + 3 * ldc, s3, accumulate);
}

// One band of `rows` rows of C (a and c at the band's first row), across `width` columns; B and C rows ld bytes apart.
@inline function axpyBand(a: usize, ars: usize, aps: usize, b: usize, c: usize, ld: usize, width: i32, k: i32, rows: i32, accumulate: i32): void {
  let j = 0;
  for (; j + 8 <= width; j += 8) axpyTile(a, ars, aps, b + (<usize>j << 2), ld, c + (<usize>j << 2), ld, k, rows, 2, accumulate);
  if (j + 4 <= width) {
    axpyTile(a, ars, aps, b + (<usize>j << 2), ld, c + (<usize>j << 2), ld, k, rows, 1, accumulate);
    j += 4;
  }
  for (; j < width; j++) axpyColumn(a, ars, aps, b + (<usize>j << 2), ld, c + (<usize>j << 2), ld, k, rows, accumulate);
}

// C = A·B with A(i,p) at a + i·ars + p·aps (bytes), in panels of N_PANEL columns: every band of rows sweeps one
// panel of B (K_BLOCK × N_PANEL values, a quarter of L2) before the next, so a wide B (the SAE's 100 000 features:
// 13–40 MB) is read from memory once per k-block, not once per band of 4 rows. An element's operations (its k-blocks
// in order, its column's tile form: panels are whole tiles, the last one ends as the whole would) do not change.
@inline function axpyForm(a: usize, ars: usize, aps: usize, b: usize, c: usize, m: i32, n: i32, k: i32, accumulate: i32): void {
  const ld = <usize>n << 2;
  let j0 = 0;
  do {
    const width = min(N_PANEL, n - j0);
    const bj = b + (<usize>j0 << 2), cj = c + (<usize>j0 << 2);
    let p0 = 0;
    do {
      const kc = min(K_BLOCK, k - p0);
      const ak = a + <usize>p0 * aps, bk = bj + <usize>p0 * ld;
      const acc = p0 > 0 ? 1 : accumulate;
      let i = 0;
      for (; i + 4 <= m; i += 4) axpyBand(ak + <usize>i * ars, ars, aps, bk, cj + <usize>i * ld, ld, width, kc, 4, acc);
      const left = m - i;
      const ai = ak + <usize>i * ars, ci = cj + <usize>i * ld;
      if (left == 3) axpyBand(ai, ars, aps, bk, ci, ld, width, kc, 3, acc);
      else if (left == 2) axpyBand(ai, ars, aps, bk, ci, ld, width, kc, 2, acc);
      else if (left == 1) axpyBand(ai, ars, aps, bk, ci, ld, width, kc, 1, acc);
      p0 += kc;
    } while (p0 < k);
    j0 += N_PANEL;
  } while (j0 < n);
}

export function matmulNN(a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, accumulate: i32): void {
  axpyForm(a, <usize>k << 2, 4, b, c, m, n, k, accumulate);
}

export function matmulTN(a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, accumulate: i32): void {
  axpyForm(a, 4, <usize>m << 2, b, c, m, n, k, accumulate);
}

// ---- dot form (NT) ----

// C(rows × cols) at c (+)= A(rows × k)·B(cols × k)ᵀ, rows (1..2) and cols (1..4) constants; a and b at row
// starts, lda = ldb = 4k bytes. `head` = k % 4 lanes are taken first, masked by `mask`; then `vectors` whole ones.
@inline function dotTile(a: usize, b: usize, ld: usize, c: usize, ldc: usize, head: usize, mask: v128, vectors: i32, rows: i32, cols: i32, accumulate: i32): void {
  const zero = f32x4.splat(0);
  let a0 = v128.and(v128.load(a), mask);
  let a1 = rows > 1 ? v128.and(v128.load(a + ld), mask) : zero;
  let y = v128.and(v128.load(b), mask);
  let s00 = f32x4.mul(a0, y), s10 = rows > 1 ? f32x4.mul(a1, y) : zero;
  let s01 = zero, s11 = zero, s02 = zero, s12 = zero, s03 = zero, s13 = zero;
  if (cols > 1) {
    y = v128.and(v128.load(b + ld), mask);
    s01 = f32x4.mul(a0, y);
    if (rows > 1) s11 = f32x4.mul(a1, y);
  }
  if (cols > 2) {
    y = v128.and(v128.load(b + 2 * ld), mask);
    s02 = f32x4.mul(a0, y);
    if (rows > 1) s12 = f32x4.mul(a1, y);
  }
  if (cols > 3) {
    y = v128.and(v128.load(b + 3 * ld), mask);
    s03 = f32x4.mul(a0, y);
    if (rows > 1) s13 = f32x4.mul(a1, y);
  }
  a += head;
  b += head;
  for (let v = 0; v < vectors; v++) {
    a0 = v128.load(a);
    if (rows > 1) a1 = v128.load(a + ld);
    y = v128.load(b);
    s00 = madd(s00, a0, y);
    if (rows > 1) s10 = madd(s10, a1, y);
    if (cols > 1) {
      y = v128.load(b + ld);
      s01 = madd(s01, a0, y);
      if (rows > 1) s11 = madd(s11, a1, y);
    }
    if (cols > 2) {
      y = v128.load(b + 2 * ld);
      s02 = madd(s02, a0, y);
      if (rows > 1) s12 = madd(s12, a1, y);
    }
    if (cols > 3) {
      y = v128.load(b + 3 * ld);
      s03 = madd(s03, a0, y);
      if (rows > 1) s13 = madd(s13, a1, y);
    }
    a += 16;
    b += 16;
  }
  storeDotTile(c, ldc, s00, s01, s02, s03, s10, s11, s12, s13, rows, cols, accumulate);
}

// All row pairs of A against `cols` rows of B at b (c at column j).
@inline function dotColumns(a: usize, b: usize, c: usize, m: i32, ld: usize, ldc: usize, head: usize, mask: v128, vectors: i32, cols: i32, accumulate: i32): void {
  let i = 0;
  for (; i + 2 <= m; i += 2) dotTile(a + <usize>i * ld, b, ld, c + <usize>i * ldc, ldc, head, mask, vectors, 2, cols, accumulate);
  if (i < m) dotTile(a + <usize>i * ld, b, ld, c + <usize>i * ldc, ldc, head, mask, vectors, 1, cols, accumulate);
}

// NT for k < SMALL_K, KK = k a constant: Bᵀ(p, j..j+cols) built once per 4 columns (cols = 1..4, the last
// n % 4 columns too), then swept down all rows of A.
@inline function smallKColumns(a: usize, b: usize, c: usize, m: i32, ldc: usize, KK: i32, cols: i32, accumulate: i32): void {
  const ld = <usize>KK << 2;
  const zero = f32x4.splat(0);
  let t0 = zero, t1 = zero, t2 = zero, t3 = zero, t4 = zero, t5 = zero, t6 = zero;
  if (cols == 4 && KK == 1) {
    t0 = v128.load(b);
  } else if (cols == 4 && KK == 2) {
    // B rows j..j+3 are 8 contiguous values: deinterleave them.
    const lo = v128.load(b), hi = v128.load(b, 16);
    t0 = v128.shuffle<f32>(lo, hi, 0, 2, 4, 6);
    t1 = v128.shuffle<f32>(lo, hi, 1, 3, 5, 7);
  } else {
    if (KK > 0) t0 = gatherColumn(b, ld, cols);
    if (KK > 1) t1 = gatherColumn(b + 4, ld, cols);
    if (KK > 2) t2 = gatherColumn(b + 8, ld, cols);
    if (KK > 3) t3 = gatherColumn(b + 12, ld, cols);
    if (KK > 4) t4 = gatherColumn(b + 16, ld, cols);
    if (KK > 5) t5 = gatherColumn(b + 20, ld, cols);
    if (KK > 6) t6 = gatherColumn(b + 24, ld, cols);
  }
  for (let i = 0; i < m; i++) {
    let s = zero;
    if (KK > 0) s = f32x4.mul(v128.load32_splat(a), t0);
    if (KK > 1) s = madd(s, v128.load32_splat(a, 4), t1);
    if (KK > 2) s = madd(s, v128.load32_splat(a, 8), t2);
    if (KK > 3) s = madd(s, v128.load32_splat(a, 12), t3);
    if (KK > 4) s = madd(s, v128.load32_splat(a, 16), t4);
    if (KK > 5) s = madd(s, v128.load32_splat(a, 20), t5);
    if (KK > 6) s = madd(s, v128.load32_splat(a, 24), t6);
    if (cols == 4) storeVector(c, s, accumulate);
    else storeLanes(c, s, cols, accumulate);
    a += ld;
    c += ldc;
  }
}

@inline function smallK(a: usize, b: usize, c: usize, m: i32, n: i32, ldc: usize, KK: i32, accumulate: i32): void {
  const ld = <usize>KK << 2;
  let j = 0;
  for (; j + 4 <= n; j += 4) smallKColumns(a, b + <usize>j * ld, c + (<usize>j << 2), m, ldc, KK, 4, accumulate);
  const left = n - j;
  const bj = b + <usize>j * ld, cj = c + (<usize>j << 2);
  if (left == 3) smallKColumns(a, bj, cj, m, ldc, KK, 3, accumulate);
  else if (left == 2) smallKColumns(a, bj, cj, m, ldc, KK, 2, accumulate);
  else if (left == 1) smallKColumns(a, bj, cj, m, ldc, KK, 1, accumulate);
}

// One function per k: inlined into one, binaryen's code folding merges the 8 copies back into one with k a
// variable, and the guards then run per row.
function smallK0(a: usize, b: usize, c: usize, m: i32, n: i32, ldc: usize, accumulate: i32): void { smallK(a, b, c, m, n, ldc, 0, accumulate); }
function smallK1(a: usize, b: usize, c: usize, m: i32, n: i32, ldc: usize, accumulate: i32): void { smallK(a, b, c, m, n, ldc, 1, accumulate); }
function smallK2(a: usize, b: usize, c: usize, m: i32, n: i32, ldc: usize, accumulate: i32): void { smallK(a, b, c, m, n, ldc, 2, accumulate); }
function smallK3(a: usize, b: usize, c: usize, m: i32, n: i32, ldc: usize, accumulate: i32): void { smallK(a, b, c, m, n, ldc, 3, accumulate); }
function smallK4(a: usize, b: usize, c: usize, m: i32, n: i32, ldc: usize, accumulate: i32): void { smallK(a, b, c, m, n, ldc, 4, accumulate); }
function smallK5(a: usize, b: usize, c: usize, m: i32, n: i32, ldc: usize, accumulate: i32): void { smallK(a, b, c, m, n, ldc, 5, accumulate); }
function smallK6(a: usize, b: usize, c: usize, m: i32, n: i32, ldc: usize, accumulate: i32): void { smallK(a, b, c, m, n, ldc, 6, accumulate); }
function smallK7(a: usize, b: usize, c: usize, m: i32, n: i32, ldc: usize, accumulate: i32): void { smallK(a, b, c, m, n, ldc, 7, accumulate); }

// [B(j,p), B(j+1,p), …] from b = &B(j,p), rows ld bytes apart, `cols` lanes (the others zero).
@inline function gatherColumn(b: usize, ld: usize, cols: i32): v128 {
  let v = v128.load32_zero(b);
  if (cols > 1) v = v128.load32_lane(b + ld, v, 1);
  if (cols > 2) v = v128.load32_lane(b + 2 * ld, v, 2);
  if (cols > 3) v = v128.load32_lane(b + 3 * ld, v, 3);
  return v;
}

export function matmulNT(a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, accumulate: i32): void {
  matmulNTStrided(a, b, c, m, n, k, <usize>n << 2, accumulate);
}

// NT into a C whose rows are ldc bytes apart (a block of columns of a wider matrix: a convolution's weight gradient
// for a range of input channels). An element's sum depends on k alone, not on n, ldc or where its tile starts.
export function matmulNTStrided(a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, ldc: usize, accumulate: i32): void {
  if (k < SMALL_K) {
    switch (k) {
      case 0: smallK0(a, b, c, m, n, ldc, accumulate); break;
      case 1: smallK1(a, b, c, m, n, ldc, accumulate); break;
      case 2: smallK2(a, b, c, m, n, ldc, accumulate); break;
      case 3: smallK3(a, b, c, m, n, ldc, accumulate); break;
      case 4: smallK4(a, b, c, m, n, ldc, accumulate); break;
      case 5: smallK5(a, b, c, m, n, ldc, accumulate); break;
      case 6: smallK6(a, b, c, m, n, ldc, accumulate); break;
      default: smallK7(a, b, c, m, n, ldc, accumulate);
    }
    return;
  }
  const ld = <usize>k << 2;
  const head = k & 3;
  // Lanes below k % 4 kept (none when k % 4 = 0: the head vector then adds zeros).
  const mask = i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(head));
  const vectors = k >> 2;
  const headBytes = <usize>head << 2;
  let j = 0;
  for (; j + 4 <= n; j += 4) dotColumns(a, b + <usize>j * ld, c + (<usize>j << 2), m, ld, ldc, headBytes, mask, vectors, 4, accumulate);
  const left = n - j;
  const bj = b + <usize>j * ld, cj = c + (<usize>j << 2);
  if (left == 3) dotColumns(a, bj, cj, m, ld, ldc, headBytes, mask, vectors, 3, accumulate);
  else if (left == 2) dotColumns(a, bj, cj, m, ld, ldc, headBytes, mask, vectors, 2, accumulate);
  else if (left == 1) dotColumns(a, bj, cj, m, ld, ldc, headBytes, mask, vectors, 1, accumulate);
}

// Rows [first, last) of C = op(A)·op(B) for form 0 (NN), 1 (TN) or 2 (NT): one worker's share of a product split
// over threads. Every element is summed exactly as the whole product sums it (the row tiling does not enter an
// element's sum), so the split result is bit-identical to one call.
export function matmulRows(form: i32, a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, accumulate: i32, first: i32, last: i32): void {
  const rows = last - first;
  if (rows <= 0) return;
  const cFirst = c + ((<usize>first * <usize>n) << 2);
  if (form == 0) axpyForm(a + ((<usize>first * <usize>k) << 2), <usize>k << 2, 4, b, cFirst, rows, n, k, accumulate);
  else if (form == 1) axpyForm(a + (<usize>first << 2), 4, <usize>m << 2, b, cFirst, rows, n, k, accumulate);
  else matmulNT(a + ((<usize>first * <usize>k) << 2), b, cFirst, rows, n, k, accumulate);
}
