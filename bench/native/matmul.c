// The native twin of assembly/matmul.ts, for benchmarking: the same three f32 products with the same blocking,
// written with SSE intrinsics (128-bit vectors, the width of WebAssembly SIMD; no FMA, as wasm SIMD has none),
// plus the plain triple loops for the compiler to vectorise by itself. Layout as in matmul.ts: row-major f32,
// C[m×n] (+)= A·B (NN, A m×k, B k×n), Aᵀ·B (TN, A stored k×m), A·Bᵀ (NT, B stored n×k).
//
// Build (bench/matmul-speed.mjs does it):
//   cc -O3 -msse4.2 -mno-avx     -o matmul_sse.out    matmul.c     the hand-blocked SSE kernels ("sse")
//   cc -O3 -march=native         -o matmul_native.out matmul.c     the plain loops, autovectorised ("plain")
// Usage: matmul_<build>.out sse|plain FORM M N K [FORM M N K ...]
//   Prints one JSON line per shape: {"form","m","n","k","ns","gflops","error"} — ns the median time of one call over
//   MIN_SAMPLES samples (each sample repeats the call until it lasts ≥ SAMPLE_NS), gflops = 2·m·n·k / ns, error the
//   worst |C − exact| / Σ_p |a||b| after one more call with accumulate = 1 (a check of the twin itself).
#define _POSIX_C_SOURCE 199309L
#include <emmintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xmmintrin.h>

#define INLINE static inline __attribute__((always_inline))
enum { SMALL_K = 8, K_BLOCK = 64, SAMPLES = 15 };
#define SAMPLE_NS 2e6

// ---- helpers ----

INLINE __m128 madd(__m128 acc, __m128 x, __m128 y) { return _mm_add_ps(acc, _mm_mul_ps(x, y)); }

INLINE void storeVector(float *c, __m128 v, int accumulate) {
  _mm_storeu_ps(c, accumulate ? _mm_add_ps(_mm_loadu_ps(c), v) : v);
}

INLINE void storeScalar(float *c, float v, int accumulate) { *c = accumulate ? *c + v : v; }

INLINE void storeLanes(float *c, __m128 v, int count, int accumulate) {
  float lanes[4];
  _mm_storeu_ps(lanes, v);
  for (int l = 0; l < count; l++) storeScalar(c + l, lanes[l], accumulate);
}

// [Σ v0, Σ v1, Σ v2, Σ v3] with the same unpack/add rounds as matmul.ts's sum4.
INLINE __m128 sum4(__m128 v0, __m128 v1, __m128 v2, __m128 v3) {
  __m128 t0 = _mm_add_ps(_mm_unpacklo_ps(v0, v1), _mm_unpackhi_ps(v0, v1));
  __m128 t1 = _mm_add_ps(_mm_unpacklo_ps(v2, v3), _mm_unpackhi_ps(v2, v3));
  return _mm_add_ps(_mm_movelh_ps(t0, t1), _mm_movehl_ps(t1, t0));
}

// ---- axpy form (NN, TN): 4 rows × 8 columns of C in registers ----

INLINE void axpyTile(const float *a, long ars, long aps, const float *b, long ldb, float *c, long ldc, int k, int rows, int vecs, int accumulate) {
  __m128 z = _mm_setzero_ps();
  __m128 s00 = z, s01 = z, s10 = z, s11 = z, s20 = z, s21 = z, s30 = z, s31 = z;
  for (int p = 0; p < k; p++) {
    __m128 b0 = _mm_loadu_ps(b), b1 = vecs > 1 ? _mm_loadu_ps(b + 4) : z;
    __m128 x = _mm_set1_ps(a[0]);
    s00 = madd(s00, x, b0);
    if (vecs > 1) s01 = madd(s01, x, b1);
    if (rows > 1) { x = _mm_set1_ps(a[ars]); s10 = madd(s10, x, b0); if (vecs > 1) s11 = madd(s11, x, b1); }
    if (rows > 2) { x = _mm_set1_ps(a[2 * ars]); s20 = madd(s20, x, b0); if (vecs > 1) s21 = madd(s21, x, b1); }
    if (rows > 3) { x = _mm_set1_ps(a[3 * ars]); s30 = madd(s30, x, b0); if (vecs > 1) s31 = madd(s31, x, b1); }
    a += aps;
    b += ldb;
  }
  if (accumulate) {
    s00 = _mm_add_ps(s00, _mm_loadu_ps(c));
    if (vecs > 1) s01 = _mm_add_ps(s01, _mm_loadu_ps(c + 4));
    if (rows > 1) { s10 = _mm_add_ps(s10, _mm_loadu_ps(c + ldc)); if (vecs > 1) s11 = _mm_add_ps(s11, _mm_loadu_ps(c + ldc + 4)); }
    if (rows > 2) { s20 = _mm_add_ps(s20, _mm_loadu_ps(c + 2 * ldc)); if (vecs > 1) s21 = _mm_add_ps(s21, _mm_loadu_ps(c + 2 * ldc + 4)); }
    if (rows > 3) { s30 = _mm_add_ps(s30, _mm_loadu_ps(c + 3 * ldc)); if (vecs > 1) s31 = _mm_add_ps(s31, _mm_loadu_ps(c + 3 * ldc + 4)); }
  }
  _mm_storeu_ps(c, s00);
  if (vecs > 1) _mm_storeu_ps(c + 4, s01);
  if (rows > 1) { _mm_storeu_ps(c + ldc, s10); if (vecs > 1) _mm_storeu_ps(c + ldc + 4, s11); }
  if (rows > 2) { _mm_storeu_ps(c + 2 * ldc, s20); if (vecs > 1) _mm_storeu_ps(c + 2 * ldc + 4, s21); }
  if (rows > 3) { _mm_storeu_ps(c + 3 * ldc, s30); if (vecs > 1) _mm_storeu_ps(c + 3 * ldc + 4, s31); }
}

INLINE void axpyColumn(const float *a, long ars, long aps, const float *b, long ldb, float *c, long ldc, int k, int rows, int accumulate) {
  float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  for (int p = 0; p < k; p++) {
    float y = *b;
    s0 += a[0] * y;
    if (rows > 1) s1 += a[ars] * y;
    if (rows > 2) s2 += a[2 * ars] * y;
    if (rows > 3) s3 += a[3 * ars] * y;
    a += aps;
    b += ldb;
  }
  storeScalar(c, s0, accumulate);
  if (rows > 1) storeScalar(c + ldc, s1, accumulate);
  if (rows > 2) storeScalar(c + 2 * ldc, s2, accumulate);
  if (rows > 3) storeScalar(c + 3 * ldc, s3, accumulate);
}

INLINE void axpyBand(const float *a, long ars, long aps, const float *b, float *c, int n, int k, int rows, int accumulate) {
  int j = 0;
  for (; j + 8 <= n; j += 8) axpyTile(a, ars, aps, b + j, n, c + j, n, k, rows, 2, accumulate);
  if (j + 4 <= n) { axpyTile(a, ars, aps, b + j, n, c + j, n, k, rows, 1, accumulate); j += 4; }
  for (; j < n; j++) axpyColumn(a, ars, aps, b + j, n, c + j, n, k, rows, accumulate);
}

INLINE void axpyForm(const float *a, long ars, long aps, const float *b, float *c, int m, int n, int k, int accumulate) {
  int p0 = 0;
  do {
    int kc = k - p0 < K_BLOCK ? k - p0 : K_BLOCK;
    const float *ak = a + p0 * aps, *bk = b + (long)p0 * n;
    int acc = p0 > 0 ? 1 : accumulate;
    int i = 0;
    for (; i + 4 <= m; i += 4) axpyBand(ak + i * ars, ars, aps, bk, c + (long)i * n, n, kc, 4, acc);
    const float *ai = ak + i * ars;
    float *ci = c + (long)i * n;
    switch (m - i) {
      case 3: axpyBand(ai, ars, aps, bk, ci, n, kc, 3, acc); break;
      case 2: axpyBand(ai, ars, aps, bk, ci, n, kc, 2, acc); break;
      case 1: axpyBand(ai, ars, aps, bk, ci, n, kc, 1, acc); break;
    }
    p0 += kc;
  } while (p0 < k);
}

void matmulNN(const float *a, const float *b, float *c, int m, int n, int k, int accumulate) { axpyForm(a, k, 1, b, c, m, n, k, accumulate); }
void matmulTN(const float *a, const float *b, float *c, int m, int n, int k, int accumulate) { axpyForm(a, 1, m, b, c, m, n, k, accumulate); }

// ---- dot form (NT): 2 A rows × 4 B rows, head vector masked to k % 4 lanes first ----

INLINE __m128 loadMasked(const float *p, __m128 mask) { return _mm_and_ps(_mm_loadu_ps(p), mask); }

INLINE void dotTile(const float *a, const float *b, long ld, float *c, long ldc, int head, __m128 mask, int vectors, int rows, int cols, int accumulate) {
  __m128 z = _mm_setzero_ps();
  __m128 a0 = loadMasked(a, mask), a1 = rows > 1 ? loadMasked(a + ld, mask) : z;
  __m128 y = loadMasked(b, mask);
  __m128 s00 = _mm_mul_ps(a0, y), s10 = rows > 1 ? _mm_mul_ps(a1, y) : z;
  __m128 s01 = z, s11 = z, s02 = z, s12 = z, s03 = z, s13 = z;
  if (cols > 1) { y = loadMasked(b + ld, mask); s01 = _mm_mul_ps(a0, y); if (rows > 1) s11 = _mm_mul_ps(a1, y); }
  if (cols > 2) { y = loadMasked(b + 2 * ld, mask); s02 = _mm_mul_ps(a0, y); if (rows > 1) s12 = _mm_mul_ps(a1, y); }
  if (cols > 3) { y = loadMasked(b + 3 * ld, mask); s03 = _mm_mul_ps(a0, y); if (rows > 1) s13 = _mm_mul_ps(a1, y); }
  a += head;
  b += head;
  for (int v = 0; v < vectors; v++) {
    a0 = _mm_loadu_ps(a);
    if (rows > 1) a1 = _mm_loadu_ps(a + ld);
    y = _mm_loadu_ps(b);
    s00 = madd(s00, a0, y);
    if (rows > 1) s10 = madd(s10, a1, y);
    if (cols > 1) { y = _mm_loadu_ps(b + ld); s01 = madd(s01, a0, y); if (rows > 1) s11 = madd(s11, a1, y); }
    if (cols > 2) { y = _mm_loadu_ps(b + 2 * ld); s02 = madd(s02, a0, y); if (rows > 1) s12 = madd(s12, a1, y); }
    if (cols > 3) { y = _mm_loadu_ps(b + 3 * ld); s03 = madd(s03, a0, y); if (rows > 1) s13 = madd(s13, a1, y); }
    a += 4;
    b += 4;
  }
  __m128 r0 = sum4(s00, s01, s02, s03);
  if (cols > 3) storeVector(c, r0, accumulate); else storeLanes(c, r0, cols, accumulate);
  if (rows > 1) {
    __m128 r1 = sum4(s10, s11, s12, s13);
    if (cols > 3) storeVector(c + ldc, r1, accumulate); else storeLanes(c + ldc, r1, cols, accumulate);
  }
}

INLINE void dotColumns(const float *a, const float *b, float *c, int m, long ld, long ldc, int head, __m128 mask, int vectors, int cols, int accumulate) {
  int i = 0;
  for (; i + 2 <= m; i += 2) dotTile(a + i * ld, b, ld, c + i * ldc, ldc, head, mask, vectors, 2, cols, accumulate);
  if (i < m) dotTile(a + i * ld, b, ld, c + i * ldc, ldc, head, mask, vectors, 1, cols, accumulate);
}

INLINE __m128 gatherColumn(const float *b, long ld, int cols) {
  return _mm_setr_ps(b[0], cols > 1 ? b[ld] : 0, cols > 2 ? b[2 * ld] : 0, cols > 3 ? b[3 * ld] : 0);
}

INLINE void smallKColumns(const float *a, const float *b, float *c, int m, long ldc, int KK, int cols, int accumulate) {
  __m128 z = _mm_setzero_ps();
  __m128 t0 = z, t1 = z, t2 = z, t3 = z, t4 = z, t5 = z, t6 = z;
  if (cols == 4 && KK == 1) {
    t0 = _mm_loadu_ps(b);
  } else if (cols == 4 && KK == 2) {
    __m128 lo = _mm_loadu_ps(b), hi = _mm_loadu_ps(b + 4);
    t0 = _mm_shuffle_ps(lo, hi, _MM_SHUFFLE(2, 0, 2, 0));
    t1 = _mm_shuffle_ps(lo, hi, _MM_SHUFFLE(3, 1, 3, 1));
  } else {
    if (KK > 0) t0 = gatherColumn(b, KK, cols);
    if (KK > 1) t1 = gatherColumn(b + 1, KK, cols);
    if (KK > 2) t2 = gatherColumn(b + 2, KK, cols);
    if (KK > 3) t3 = gatherColumn(b + 3, KK, cols);
    if (KK > 4) t4 = gatherColumn(b + 4, KK, cols);
    if (KK > 5) t5 = gatherColumn(b + 5, KK, cols);
    if (KK > 6) t6 = gatherColumn(b + 6, KK, cols);
  }
  for (int i = 0; i < m; i++) {
    __m128 s = z;
    if (KK > 0) s = _mm_mul_ps(_mm_set1_ps(a[0]), t0);
    if (KK > 1) s = madd(s, _mm_set1_ps(a[1]), t1);
    if (KK > 2) s = madd(s, _mm_set1_ps(a[2]), t2);
    if (KK > 3) s = madd(s, _mm_set1_ps(a[3]), t3);
    if (KK > 4) s = madd(s, _mm_set1_ps(a[4]), t4);
    if (KK > 5) s = madd(s, _mm_set1_ps(a[5]), t5);
    if (KK > 6) s = madd(s, _mm_set1_ps(a[6]), t6);
    if (cols == 4) storeVector(c, s, accumulate); else storeLanes(c, s, cols, accumulate);
    a += KK;
    c += ldc;
  }
}

INLINE void smallK(const float *a, const float *b, float *c, int m, int n, int KK, int accumulate) {
  int j = 0;
  for (; j + 4 <= n; j += 4) smallKColumns(a, b + (long)j * KK, c + j, m, n, KK, 4, accumulate);
  const float *bj = b + (long)j * KK;
  float *cj = c + j;
  switch (n - j) {
    case 3: smallKColumns(a, bj, cj, m, n, KK, 3, accumulate); break;
    case 2: smallKColumns(a, bj, cj, m, n, KK, 2, accumulate); break;
    case 1: smallKColumns(a, bj, cj, m, n, KK, 1, accumulate); break;
  }
}

void matmulNT(const float *a, const float *b, float *c, int m, int n, int k, int accumulate) {
  if (k < SMALL_K) {
    switch (k) {
      case 0: smallK(a, b, c, m, n, 0, accumulate); break;
      case 1: smallK(a, b, c, m, n, 1, accumulate); break;
      case 2: smallK(a, b, c, m, n, 2, accumulate); break;
      case 3: smallK(a, b, c, m, n, 3, accumulate); break;
      case 4: smallK(a, b, c, m, n, 4, accumulate); break;
      case 5: smallK(a, b, c, m, n, 5, accumulate); break;
      case 6: smallK(a, b, c, m, n, 6, accumulate); break;
      default: smallK(a, b, c, m, n, 7, accumulate);
    }
    return;
  }
  long ld = k;
  int head = k & 3, vectors = k >> 2;
  __m128 mask = _mm_castsi128_ps(_mm_cmplt_epi32(_mm_setr_epi32(0, 1, 2, 3), _mm_set1_epi32(head)));
  int j = 0;
  for (; j + 4 <= n; j += 4) dotColumns(a, b + j * ld, c + j, m, ld, n, head, mask, vectors, 4, accumulate);
  const float *bj = b + j * ld;
  float *cj = c + j;
  switch (n - j) {
    case 3: dotColumns(a, bj, cj, m, ld, n, head, mask, vectors, 3, accumulate); break;
    case 2: dotColumns(a, bj, cj, m, ld, n, head, mask, vectors, 2, accumulate); break;
    case 1: dotColumns(a, bj, cj, m, ld, n, head, mask, vectors, 1, accumulate); break;
  }
}

// ---- plain loops (the compiler's own vectorisation); the same loop orders as the plain-JS baseline ----

void plainNN(const float *a, const float *b, float *restrict c, int m, int n, int k, int accumulate) {
  for (int i = 0; i < m; i++) {
    float *ci = c + (long)i * n;
    if (!accumulate) memset(ci, 0, sizeof(float) * n);
    for (int p = 0; p < k; p++) {
      float x = a[(long)i * k + p];
      const float *bp = b + (long)p * n;
      for (int j = 0; j < n; j++) ci[j] += x * bp[j];
    }
  }
}

void plainTN(const float *a, const float *b, float *restrict c, int m, int n, int k, int accumulate) {
  for (int i = 0; i < m; i++) {
    float *ci = c + (long)i * n;
    if (!accumulate) memset(ci, 0, sizeof(float) * n);
    for (int p = 0; p < k; p++) {
      float x = a[(long)p * m + i];
      const float *bp = b + (long)p * n;
      for (int j = 0; j < n; j++) ci[j] += x * bp[j];
    }
  }
}

void plainNT(const float *a, const float *b, float *restrict c, int m, int n, int k, int accumulate) {
  for (int i = 0; i < m; i++) {
    for (int j = 0; j < n; j++) {
      float s = 0;
      for (int p = 0; p < k; p++) s += a[(long)i * k + p] * b[(long)j * k + p];
      c[(long)i * n + j] = accumulate ? c[(long)i * n + j] + s : s;
    }
  }
}

// ---- harness ----

typedef void (*Kernel)(const float *, const float *, float *, int, int, int, int);

static double nowNs(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e9 + t.tv_nsec;
}

static int compareDoubles(const void *x, const void *y) {
  double a = *(const double *)x, b = *(const double *)y;
  return (a > b) - (a < b);
}

int main(int argc, char **argv) {
  if (argc < 2 || (argc - 2) % 4 != 0) {
    fprintf(stderr, "usage: %s sse|plain FORM M N K [FORM M N K ...]\n", argv[0]);
    return 2;
  }
  int plain = strcmp(argv[1], "plain") == 0;
  for (int s = 2; s < argc; s += 4) {
    const char *form = argv[s];
    int m = atoi(argv[s + 1]), n = atoi(argv[s + 2]), k = atoi(argv[s + 3]);
    Kernel kernel = strcmp(form, "NN") == 0 ? (plain ? plainNN : matmulNN) : strcmp(form, "TN") == 0 ? (plain ? plainTN : matmulTN) : (plain ? plainNT : matmulNT);
    float *a = aligned_alloc(64, sizeof(float) * ((long)m * k + 16));
    float *b = aligned_alloc(64, sizeof(float) * ((long)k * n + 16));
    float *c = aligned_alloc(64, sizeof(float) * ((long)m * n + 16));
    srand(1);
    for (long e = 0; e < (long)m * k; e++) a[e] = (float)rand() / RAND_MAX * 2 - 1;
    for (long e = 0; e < (long)k * n; e++) b[e] = (float)rand() / RAND_MAX * 2 - 1;
    // Warm-up and calibration: repeats per sample so that a sample lasts ≥ SAMPLE_NS.
    long repeats = 1;
    for (;;) {
      double t0 = nowNs();
      for (long r = 0; r < repeats; r++) kernel(a, b, c, m, n, k, 0);
      if (nowNs() - t0 >= SAMPLE_NS / 4) break;
      repeats *= 2;
    }
    repeats *= 4;
    double samples[SAMPLES];
    for (int t = 0; t < SAMPLES; t++) {
      double t0 = nowNs();
      for (long r = 0; r < repeats; r++) kernel(a, b, c, m, n, k, 0);
      samples[t] = (nowNs() - t0) / repeats;
      __asm__ volatile("" ::"r"(c) : "memory");
    }
    qsort(samples, SAMPLES, sizeof(double), compareDoubles);
    double ns = samples[SAMPLES / 2];
    // The result checked against a double triple loop, after one more call with accumulate = 1 (so C = 2·A·B):
    // worst |error| / Σ|a||b| over C.
    kernel(a, b, c, m, n, k, 1);
    double worst = 0;
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double sum = 0, scale = 1e-30;
        for (int p = 0; p < k; p++) {
          double x = form[0] == 'T' ? a[(long)p * m + i] : a[(long)i * k + p];
          double y = form[1] == 'T' ? b[(long)j * k + p] : b[(long)p * n + j];
          sum += x * y;
          scale += x * y < 0 ? -x * y : x * y;
        }
        double error = (c[(long)i * n + j] - 2 * sum) / (2 * scale);
        if (error < 0) error = -error;
        if (error > worst) worst = error;
      }
    }
    printf("{\"form\":\"%s\",\"m\":%d,\"n\":%d,\"k\":%d,\"ns\":%.1f,\"gflops\":%.3f,\"error\":%.2e}\n", form, m, n, k, ns, 2.0 * m * n * k / ns, worst);
    free(a);
    free(b);
    free(c);
  }
  return 0;
}
