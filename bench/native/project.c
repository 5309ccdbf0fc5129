// The native baseline of the benchmarks: the same operators as sparseproj, in plain C, timed in C.
//   l1ball       Condat (2016), "Fast projection onto the simplex and the ℓ1 ball", Algorithm 2, on |y|
//                with the signs restored: x = sign(y)·max(|y| − τ, 0), y itself when ‖y‖₁ ≤ a.
//   bilevel-inf  Barlaud, Perez, Marmorat, Algorithm 1 on a row-major rows × cols matrix, groups = columns:
//                v_j = max_i |Y_ij| (one sweep over the rows), u = P_ℓ1,η(v) (the same Condat code),
//                X_ij = clip(Y_ij, −u_j, u_j) (a second sweep).
//   bilevel-1    the same with v_j = Σ_i |Y_ij| and each column projected onto the ℓ1 ball of radius u_j.
//   bilevel-2    the same with v_j = ‖y_j‖₂ and each column scaled by u_j / v_j.
//   weighted-l1  the weighted ℓ1 ball {Σ w_i|x_i| ≤ a}, w_i > 0, as assembly/weighted.ts: x_i = sign(y_i)·
//                max(|y_i| − τw_i, 0), τ from the breakpoints t_i = |y_i|/w_i: one sweep (sums, running lower
//                bound β, candidates above it, blocks skipped by one vectorizable test), Michelot's steps, then
//                randomized pivoting (the same xorshift32 pivots): expected linear time, no sort.
//   trilevel-inf / trilevel-1  the trilevel ℓ1,∞,∞ and ℓ1,1,1 projections of a row-major [ROWS, COLS, DEPTH]
//                tensor, as assembly/trilevel.ts: fibre norms n_ij (max or Σ |y_ijk| over k), group norms
//                N_i (max or Σ over j), u = P_ℓ1,η(N), v_i = P_ℓ1,u_i(n_i·), each fibre clipped to ±v_ij or
//                projected onto the ℓ1 ball of radius v_ij; every ℓ1 step is the Condat code above.
//   memcpy       the same bytes copied once: the physical floor.
//
// Build (run.mjs does it): cc -O3 -march=native -DREAL=float  -o project_f32.out project.c -lm
//                          cc -O3 -march=native -DREAL=double -o project_f64.out project.c -lm
// Usage: project_<type>.out OP ROWS COLS RADIUS BUDGET_MS INPUT OUTPUT [DEPTH]
//   INPUT holds ROWS·COLS·DEPTH raw little-endian REAL values (DEPTH 1 unless given; l1ball and weighted-l1
//   read them as one vector), followed for weighted-l1 by as many weights; OUTPUT gets the last result. Prints {"median_ns", "repeats", "passes": {name: median_ns}} on one line.
#define _POSIX_C_SOURCE 199309L
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef REAL
#define REAL float
#endif
typedef REAL real;

enum { MIN_REPEATS = 5, MAX_REPEATS = 20000, MAX_PASSES = 3 };

// Condat's Algorithm 2 over the n values |y[i·stride]|: returns τ with Σ max(|y_i| − τ, 0) = a (a > 0).
// aux (n values) holds his two lists in place: ṽ = aux[0 .. vStart), v = aux[vStart .. length).
// τ is carried in double whatever the element type, as sparseproj does. Defined once per element type: the
// vector projection reads REAL data, the ℓ1 step of the bilevel projections reads double group norms.
#define DEFINE_CONDAT_TAU(name, elem)                                                   \
  static double name(const elem *y, long n, long stride, double a, elem *aux) {        \
    long length = 1, vStart = 0;                                                        \
    aux[0] = (elem)fabs((double)y[0]);                                                  \
    double rho = (double)aux[0] - a;                                                    \
    /* Step 2: one pass; v restarts from y_n whenever y_n alone pushes ρ down to y_n − a. */ \
    for (long i = 1; i < n; i++) {                                                      \
      const double value = fabs((double)y[i * stride]);                                 \
      if (value > rho) {                                                                \
        rho += (value - rho) / (double)(length - vStart + 1);                           \
        if (rho > value - a) {                                                          \
          aux[length++] = (elem)value;                                                  \
        } else {                                                                        \
          vStart = length;                                                              \
          aux[length++] = (elem)value;                                                  \
          rho = value - a;                                                              \
        }                                                                               \
      }                                                                                 \
    }                                                                                   \
    /* Step 3: elements of ṽ above ρ rejoin v. */                                       \
    for (long k = vStart - 1; k >= 0; k--) {                                            \
      const double value = (double)aux[k];                                              \
      if (value > rho) {                                                                \
        aux[--vStart] = (elem)value;                                                    \
        rho += (value - rho) / (double)(length - vStart);                               \
      }                                                                                 \
    }                                                                                   \
    /* Step 4: remove elements at or below ρ until v no longer changes. */              \
    elem *v = aux + vStart;                                                             \
    long count = length - vStart, previous;                                             \
    do {                                                                                \
      previous = count;                                                                 \
      count = 0;                                                                        \
      for (long k = 0; k < previous; k++) {                                             \
        const double value = (double)v[k];                                              \
        if (value > rho) {                                                              \
          v[count++] = (elem)value;                                                     \
        } else {                                                                        \
          const long remaining = previous - k - 1 + count;                              \
          if (remaining > 0) rho += (rho - value) / (double)remaining;                  \
        }                                                                               \
      }                                                                                 \
    } while (count < previous);                                                         \
    return rho;                                                                         \
  }

DEFINE_CONDAT_TAU(condat_tau_real, real)
DEFINE_CONDAT_TAU(condat_tau_double, double)

// The REAL threshold applied to the data: τ rounded up (so ‖x‖₁ ≤ a survives the rounding), u rounded down.
static real round_up(double t) {
  real r = (real)t;
  return (double)r < t ? nextafter(r, INFINITY) : r;
}

static real round_down(double t) {
  real r = (real)t;
  return (double)r > t ? nextafter(r, -INFINITY) : r;
}

// The per-element second stages, as sparseproj writes them: clip to [−t, t], soft-threshold by t.
static inline real clip(real v, real t) { return v > t ? t : (v < -t ? -t : v); }
static inline real soft(real v, real t) { return v > t ? v - t : (v < -t ? v + t : 0); }

static double now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

// Per-call timing: each operator marks the end of each of its passes.
static double pass_ns[MAX_PASSES];
static int pass_count;
static double pass_start;

static void mark(void) {
  const double t = now_ns();
  pass_ns[pass_count++] = t - pass_start;
  pass_start = t;
}

typedef struct {
  const real *y;
  const real *w;   // weighted-l1: the weights
  long rows, cols, depth;
  double radius;
  real *out;
  real *aux;       // max(rows, cols) REAL
  double *norms;   // cols
  double *scratch; // cols
  real *t;         // cols: per-column REAL threshold
} Problem;

// As in Condat's own code, no pass of its own for ‖y‖₁: the root τ of Σ max(|y_i| − τ, 0) = a is ≤ 0
// exactly when ‖y‖₁ ≤ a, and then x = y.
static void l1ball(const Problem *p) {
  const long n = p->rows * p->cols;
  const double tau = condat_tau_real(p->y, n, 1, p->radius, p->aux);
  mark();
  if (tau <= 0) {
    memcpy(p->out, p->y, (size_t)n * sizeof(real));
    return;
  }
  const real t = round_up(tau);
  for (long i = 0; i < n; i++) p->out[i] = soft(p->y[i], t);
  mark();
}

enum Kind { KIND_INF, KIND_L1, KIND_L2 };

// Pass 1: v_j for every column, sweeping the rows so the row-major matrix is read in order.
static void column_norms(const Problem *p, enum Kind kind) {
  const long rows = p->rows, cols = p->cols;
  if (kind == KIND_INF) {
    real *top = p->t; // max is exact in REAL: accumulate there, widen once
    for (long j = 0; j < cols; j++) top[j] = 0;
    for (long i = 0; i < rows; i++) {
      const real *row = p->y + i * cols;
      for (long j = 0; j < cols; j++) {
        const real m = (real)fabs(row[j]);
        top[j] = m > top[j] ? m : top[j];
      }
    }
    for (long j = 0; j < cols; j++) p->norms[j] = top[j];
    return;
  }
  double *acc = p->norms;
  for (long j = 0; j < cols; j++) acc[j] = 0;
  for (long i = 0; i < rows; i++) {
    const real *row = p->y + i * cols;
    if (kind == KIND_L1) {
      for (long j = 0; j < cols; j++) acc[j] += fabs((double)row[j]);
    } else {
      for (long j = 0; j < cols; j++) acc[j] += (double)row[j] * (double)row[j];
    }
  }
  if (kind == KIND_L2) for (long j = 0; j < cols; j++) acc[j] = sqrt(acc[j]);
}

static void bilevel(const Problem *p, enum Kind kind) {
  const long rows = p->rows, cols = p->cols;
  column_norms(p, kind);
  mark();
  double total = 0;
  for (long j = 0; j < cols; j++) total += p->norms[j];
  if (total <= p->radius) {
    memcpy(p->out, p->y, (size_t)(rows * cols) * sizeof(real));
    return;
  }
  // The ℓ1 step: u = P_ℓ1,η(v), v ≥ 0; then the per-column REAL threshold of pass 2.
  const double tau = condat_tau_double(p->norms, cols, 1, p->radius, p->scratch);
  for (long j = 0; j < cols; j++) {
    const double uj = p->norms[j] > tau ? p->norms[j] - tau : 0;
    if (kind == KIND_INF) {
      p->t[j] = round_down(uj);
    } else if (kind == KIND_L2) {
      p->t[j] = p->norms[j] > 0 ? round_down(fmin(uj / p->norms[j], 1)) : 0;
    } else if (uj >= p->norms[j]) {
      p->t[j] = 0;
    } else {
      // λ_j of P_ℓ1,u_j(y_j), read down the column; u_j = 0 zeroes it.
      p->t[j] = uj <= 0 ? INFINITY : round_up(condat_tau_real(p->y + j, rows, cols, uj, p->aux));
    }
  }
  mark();
  // Pass 2.
  for (long i = 0; i < rows; i++) {
    const real *row = p->y + i * cols;
    real *dst = p->out + i * cols;
    if (kind == KIND_INF) {
      for (long j = 0; j < cols; j++) dst[j] = clip(row[j], p->t[j]);
    } else if (kind == KIND_L1) {
      for (long j = 0; j < cols; j++) dst[j] = soft(row[j], p->t[j]);
    } else {
      for (long j = 0; j < cols; j++) dst[j] = row[j] * p->t[j];
    }
  }
  mark();
}

// ---- The weighted ℓ1 ball (assembly/weighted.ts, step for step) ----

// (sum − η)/squares with the rounding of two double sums of `count` terms, and of the division, taken off.
static double bound_from_sums(double sum, double squares, long count, double eta) {
  const double slack = (double)count * 2.3e-16;
  const double bound = (sum * (1 - slack) - eta) / (squares * (1 + slack));
  return bound - fabs(bound) * 4.5e-16;
}

// τ ≥ t − η/w² = (w|y| − η)/w², less a margin for its own rounding.
static inline double single_bound(double magnitude, double weight, double eta) {
  const double bound = (weight * magnitude - eta) / (weight * weight);
  return bound - fabs(bound) * 4.5e-16;
}

// The REAL level of the block tests, lowered by 4 units of REAL's rounding: |y| > fl(level·w) whenever
// |y| > bound·w.
static real vector_level(double bound) {
  return round_down(bound * (1 - (sizeof(real) == 4 ? 2.4e-7 : 4.5e-16)));
}

enum { BLOCK = 16, CANDIDATE_CAP_SHIFT = 4 };

// Results of the sweep besides the candidate count.
static double swept_sum, swept_squares, swept_least, swept_bound, kept_sum, kept_squares;

// One sweep: S = Σ w|y|, W = Σ w², the smallest weight, and into aux the pairs (|y_i|, w_i) with t_i above
// the running bound β. Blocks of BLOCK values: the sums go to per-lane accumulators and one REAL test says
// whether any lane may pass (all of it vectorizable); only such blocks are visited lane by lane in double.
// Past n/16 candidates it keeps none and returns −1.
static long weighted_sweep(const real *y, const real *w, long n, double eta, real *aux) {
  const long cap = n >> CANDIDATE_CAP_SHIFT;
  double s[BLOCK] = {0}, q[BLOCK] = {0};
  real least[BLOCK];
  for (int l = 0; l < BLOCK; l++) least[l] = INFINITY;
  double beta = 0;
  real level = 0;
  long count = 0, i = 0;
  for (; i + BLOCK <= n; i += BLOCK) {
    int any = 0;
    for (int l = 0; l < BLOCK; l++) {
      const real m = (real)fabs(y[i + l]), v = w[i + l];
      s[l] += (double)v * (double)m;
      q[l] += (double)v * (double)v;
      least[l] = v < least[l] ? v : least[l];
      any |= m > level * v;
    }
    if (any && count <= cap) {
      for (int l = 0; l < BLOCK; l++) {
        const real m = (real)fabs(y[i + l]), v = w[i + l];
        aux[2 * count] = m, aux[2 * count + 1] = v;
        if ((double)m > beta * (double)v) {
          count++;
          const double b = single_bound(m, v, eta);
          beta = b > beta ? b : beta;
        }
      }
      level = vector_level(beta);
    }
  }
  double sum = 0, squares = 0, smallest = INFINITY;
  for (int l = 0; l < BLOCK; l++) {
    sum += s[l], squares += q[l];
    smallest = least[l] < smallest ? least[l] : smallest;
  }
  for (; i < n; i++) {
    const real m = (real)fabs(y[i]), v = w[i];
    sum += (double)v * (double)m;
    squares += (double)v * (double)v;
    smallest = v < smallest ? v : smallest;
    if (count > cap) continue;
    aux[2 * count] = m, aux[2 * count + 1] = v;
    if ((double)m > beta * (double)v) {
      count++;
      const double b = single_bound(m, v, eta);
      beta = b > beta ? b : beta;
    }
  }
  swept_sum = sum, swept_squares = squares, swept_least = smallest, swept_bound = beta;
  return count <= cap ? count : -1;
}

// The pairs with t > bound into aux; returns how many. The block test skips most blocks, as in the sweep.
static long weighted_gather(const real *y, const real *w, long n, double bound, real *aux) {
  const real level = vector_level(bound);
  long count = 0, i = 0;
  for (; i + BLOCK <= n; i += BLOCK) {
    int any = 0;
    for (int l = 0; l < BLOCK; l++) any |= (real)fabs(y[i + l]) > level * w[i + l];
    if (!any) continue;
    for (int l = 0; l < BLOCK; l++) {
      const real m = (real)fabs(y[i + l]), v = w[i + l];
      aux[2 * count] = m, aux[2 * count + 1] = v;
      count += (double)m > bound * (double)v;
    }
  }
  for (; i < n; i++) {
    const real m = (real)fabs(y[i]), v = w[i];
    aux[2 * count] = m, aux[2 * count + 1] = v;
    count += (double)m > bound * (double)v;
  }
  return count;
}

// Compacts the k pairs of aux to those with t > bound, summing w|y| and w² over them.
static long weighted_keep(real *aux, long k, double bound) {
  long count = 0;
  double sum = 0, squares = 0;
  for (long m = 0; m < k; m++) {
    const real a = aux[2 * m], v = aux[2 * m + 1];
    if ((double)a > bound * (double)v) {
      aux[2 * count] = a, aux[2 * count + 1] = v;
      count++;
      sum += (double)v * (double)a;
      squares += (double)v * (double)v;
    }
  }
  kept_sum = sum, kept_squares = squares;
  return count;
}

static inline void swap_pairs(real *aux, long p, long q) {
  const real a = aux[2 * p], v = aux[2 * p + 1];
  aux[2 * p] = aux[2 * q], aux[2 * p + 1] = aux[2 * q + 1];
  aux[2 * q] = a, aux[2 * q + 1] = v;
}

// τ by randomized pivoting over the k candidate pairs (see weighted.ts: pivotTau).
static double weighted_pivot(real *aux, long k, double eta) {
  double active_sum = 0, active_squares = 0;
  long lo = 0, hi = k;
  unsigned state = 0x9e3779b9u;
  while (lo < hi) {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    swap_pairs(aux, lo + (long)(state % (unsigned)(hi - lo)), hi - 1);
    hi--;
    const double pa = aux[2 * hi], pw = aux[2 * hi + 1];
    const double pivot = pa / pw;
    long split = lo;
    double sum = 0, squares = 0;
    for (long m = lo; m < hi; m++) {
      const double a = aux[2 * m], v = aux[2 * m + 1];
      if (a > pivot * v) {
        swap_pairs(aux, m, split);
        split++;
        sum += v * a;
        squares += v * v;
      }
    }
    if (active_sum + sum - pivot * (active_squares + squares) > eta) {
      hi = split;
    } else {
      active_sum += sum + pw * pa;
      active_squares += squares + pw * pw;
      lo = split;
    }
  }
  return active_squares > 0 ? (active_sum - eta) / active_squares : 0;
}

static void weighted_l1(const Problem *p) {
  const long n = p->rows * p->cols * p->depth;
  const double eta = p->radius;
  long k = weighted_sweep(p->y, p->w, n, eta, p->aux);
  mark();
  if (!(swept_least > 0) || !isfinite(swept_squares) || !isfinite(swept_sum)) {
    fprintf(stderr, "bad weights or non-finite input\n");
    exit(2);
  }
  if (swept_sum <= eta) {
    memcpy(p->out, p->y, (size_t)n * sizeof(real));
    return;
  }
  if (eta == 0) {
    memset(p->out, 0, (size_t)n * sizeof(real));
    return;
  }
  double bound = bound_from_sums(swept_sum, swept_squares, n, eta);
  if (swept_bound > bound) bound = swept_bound;
  if (k < 0) k = weighted_gather(p->y, p->w, n, bound, p->aux);
  long previous;
  do {
    previous = k;
    k = weighted_keep(p->aux, k, bound);
    const double b = bound_from_sums(kept_sum, kept_squares, k, eta);
    if (b > bound) bound = b;
  } while (k < previous - (previous >> 3));
  const real tau = round_up(weighted_pivot(p->aux, k, eta));
  mark();
  const real *y = p->y, *w = p->w;
  real *out = p->out;
  for (long i = 0; i < n; i++) out[i] = soft(y[i], tau * w[i]);
  mark();
}

// ---- Trilevel ℓ1,∞,∞ and ℓ1,1,1 of a [a, b, c] tensor (assembly/trilevel.ts) ----

// max_k |y_k| or Σ_k |y_k| (in double) with eight per-lane accumulators, so both loops vectorize without
// reassociating one running value; the lanes fold at the end. The max runs on the bit patterns with the sign
// cleared (unsigned order is the order of non-negative finite floats): GCC vectorizes an integer max, not
// a float `a > b ? a : b` (NaN semantics). The data must be finite (trilevel.ts returns NON_FINITE otherwise).
enum { FIBRE_LANES = 8 };
#if defined(__GNUC__)
#define MAY_ALIAS __attribute__((may_alias))
#else
#define MAY_ALIAS
#endif
typedef uint32_t MAY_ALIAS bits32;
typedef uint64_t MAY_ALIAS bits64;
static double max_abs_span(const real *y, long c) {
  long k = 0;
  if (sizeof(real) == 4) {
    const bits32 *b = (const bits32 *)(const void *)y;
    bits32 top[FIBRE_LANES] = {0}, best = 0;
    for (; k + FIBRE_LANES <= c; k += FIBRE_LANES)
      for (int l = 0; l < FIBRE_LANES; l++) {
        const bits32 m = b[k + l] & 0x7fffffffu;
        top[l] = m > top[l] ? m : top[l];
      }
    for (int l = 0; l < FIBRE_LANES; l++) best = top[l] > best ? top[l] : best;
    for (; k < c; k++) best = (b[k] & 0x7fffffffu) > best ? (b[k] & 0x7fffffffu) : best;
    float f;
    memcpy(&f, &best, sizeof f);
    return f;
  }
  const bits64 *b = (const bits64 *)(const void *)y;
  bits64 top[FIBRE_LANES] = {0}, best = 0;
  const bits64 mask = 0x7fffffffffffffffull;
  for (; k + FIBRE_LANES <= c; k += FIBRE_LANES)
    for (int l = 0; l < FIBRE_LANES; l++) {
      const bits64 m = b[k + l] & mask;
      top[l] = m > top[l] ? m : top[l];
    }
  for (int l = 0; l < FIBRE_LANES; l++) best = top[l] > best ? top[l] : best;
  for (; k < c; k++) best = (b[k] & mask) > best ? (b[k] & mask) : best;
  double d;
  memcpy(&d, &best, sizeof d);
  return d;
}

static double fibre_norm(const real *y, long c, enum Kind kind) {
  if (kind == KIND_INF) return max_abs_span(y, c);
  long k = 0;
  double acc[FIBRE_LANES] = {0};
  for (; k + FIBRE_LANES <= c; k += FIBRE_LANES)
    for (int l = 0; l < FIBRE_LANES; l++) acc[l] += fabs((double)y[k + l]);
  double total = 0;
  for (int l = 0; l < FIBRE_LANES; l++) total += acc[l];
  for (; k < c; k++) total += fabs((double)y[k]);
  return total;
}

// P_ℓ1,r of the non-negative doubles v[0 .. n) in place.
static void l1_nonneg_in_place(double *v, long n, double r, double *scratch) {
  double total = 0;
  for (long j = 0; j < n; j++) total += v[j];
  if (total <= r) return;
  const double tau = condat_tau_double(v, n, 1, r, scratch);
  for (long j = 0; j < n; j++) v[j] = v[j] > tau ? v[j] - tau : 0;
}

static void trilevel(const Problem *p, enum Kind kind) {
  const long a = p->rows, b = p->cols, c = p->depth;
  double *fibre = p->norms, *group = fibre + a * b;
  double total = 0;
  for (long i = 0; i < a; i++) {
    double g = 0;
    for (long j = 0; j < b; j++) {
      const double norm = fibre_norm(p->y + (i * b + j) * c, c, kind);
      fibre[i * b + j] = norm;
      g = kind == KIND_INF ? (norm > g ? norm : g) : g + norm;
    }
    group[i] = g;
    total += g;
  }
  mark();
  if (total <= p->radius) {
    memcpy(p->out, p->y, (size_t)(a * b * c) * sizeof(real));
    return;
  }
  l1_nonneg_in_place(group, a, p->radius, p->scratch); // u
  for (long i = 0; i < a; i++) {
    double *v = fibre + i * b;
    if (kind == KIND_INF) {
      for (long j = 0; j < b; j++) v[j] = v[j] < group[i] ? v[j] : group[i];
    } else {
      l1_nonneg_in_place(v, b, group[i], p->scratch);
    }
    for (long j = 0; j < b; j++) {
      const real *src = p->y + (i * b + j) * c;
      real *dst = p->out + (i * b + j) * c;
      if (kind == KIND_INF) {
        const real t = round_down(v[j]);
        for (long k = 0; k < c; k++) dst[k] = clip(src[k], t);
      } else if (v[j] <= 0) {
        memset(dst, 0, (size_t)c * sizeof(real));
      } else {
        const double tau = condat_tau_real(src, c, 1, v[j], p->aux);
        if (tau <= 0) {
          memcpy(dst, src, (size_t)c * sizeof(real));
        } else {
          const real t = round_up(tau);
          for (long k = 0; k < c; k++) dst[k] = soft(src[k], t);
        }
      }
    }
  }
  mark();
}

static void trilevel_inf(const Problem *p) { trilevel(p, KIND_INF); }
static void trilevel_1(const Problem *p) { trilevel(p, KIND_L1); }

static void copy(const Problem *p) {
  memcpy(p->out, p->y, (size_t)(p->rows * p->cols) * sizeof(real));
  mark();
}

static int compare(const void *a, const void *b) {
  const double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double median(double *values, int n) {
  qsort(values, (size_t)n, sizeof(double), compare);
  return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

static void *must_alloc(size_t bytes) {
  void *block = aligned_alloc(64, (bytes + 63) / 64 * 64);
  if (!block) {
    fprintf(stderr, "out of memory (%zu bytes)\n", bytes);
    exit(2);
  }
  return block;
}

int main(int argc, char **argv) {
  if (argc != 8 && argc != 9) {
    fprintf(stderr, "usage: %s OP ROWS COLS RADIUS BUDGET_MS INPUT OUTPUT [DEPTH]\n", argv[0]);
    return 2;
  }
  const char *op = argv[1];
  const long rows = atol(argv[2]), cols = atol(argv[3]), depth = argc == 9 ? atol(argv[8]) : 1;
  const long n = rows * cols * depth;
  const double radius = atof(argv[4]), budget_ns = atof(argv[5]) * 1e6;
  void (*run)(const Problem *) = NULL;
  enum Kind kind = KIND_INF;
  const char *names[MAX_PASSES] = {"norms", "l1", "apply"};
  if (!strcmp(op, "l1ball")) {
    run = l1ball;
    names[0] = "condat", names[1] = "apply";
  } else if (!strcmp(op, "weighted-l1")) {
    run = weighted_l1;
    names[0] = "sweep", names[1] = "select", names[2] = "apply";
  } else if (!strcmp(op, "trilevel-inf")) {
    run = trilevel_inf;
    names[1] = "project";
  } else if (!strcmp(op, "trilevel-1")) {
    run = trilevel_1;
    names[1] = "project";
  } else if (!strcmp(op, "memcpy")) {
    run = copy;
    names[0] = "memcpy";
  } else if (!strcmp(op, "bilevel-inf")) {
    kind = KIND_INF;
  } else if (!strcmp(op, "bilevel-1")) {
    kind = KIND_L1;
  } else if (!strcmp(op, "bilevel-2")) {
    kind = KIND_L2;
  } else {
    fprintf(stderr, "unknown OP %s\n", op);
    return 2;
  }

  const int weighted = run == weighted_l1, tensor = run == trilevel_inf || run == trilevel_1;
  const long values = weighted ? 2 * n : n; // weighted-l1: y, then w
  real *y = must_alloc((size_t)values * sizeof(real));
  FILE *in = fopen(argv[6], "rb");
  if (!in || fread(y, sizeof(real), (size_t)values, in) != (size_t)values) {
    fprintf(stderr, "cannot read %ld values from %s\n", values, argv[6]);
    return 2;
  }
  fclose(in);
  long longest = rows > cols ? rows : cols;
  if (tensor && depth > longest) longest = depth;
  const long aux = run == l1ball ? n : weighted ? 2 * n : longest;
  const long norms = tensor ? rows * cols + rows : cols;
  Problem p = {
      .y = y, .w = weighted ? y + n : NULL, .rows = rows, .cols = cols, .depth = depth, .radius = radius,
      .out = must_alloc((size_t)n * sizeof(real)),
      .aux = must_alloc((size_t)aux * sizeof(real)),
      .norms = must_alloc((size_t)norms * sizeof(double)),
      .scratch = must_alloc((size_t)longest * sizeof(double)),
      .t = must_alloc((size_t)cols * sizeof(real)),
  };

  static double totals[MAX_REPEATS], passes[MAX_PASSES][MAX_REPEATS];
  int repeats = 0, passes_seen = 0;
  const double start = now_ns();
  for (int warm = -1; repeats < MAX_REPEATS && (repeats < MIN_REPEATS || now_ns() - start < budget_ns); warm = 0) {
    pass_count = 0;
    pass_start = now_ns();
    const double t0 = pass_start;
    if (run) run(&p); else bilevel(&p, kind);
    const double elapsed = now_ns() - t0;
    if (warm) continue; // the first call faults in the pages of out and aux
    totals[repeats] = elapsed;
    passes_seen = pass_count;
    for (int k = 0; k < pass_count; k++) passes[k][repeats] = pass_ns[k];
    repeats++;
  }

  FILE *out = fopen(argv[7], "wb");
  if (!out || fwrite(p.out, sizeof(real), (size_t)n, out) != (size_t)n) {
    fprintf(stderr, "cannot write %s\n", argv[7]);
    return 2;
  }
  fclose(out);
  printf("{\"median_ns\":%.1f,\"repeats\":%d,\"passes\":{", median(totals, repeats), repeats);
  for (int k = 0; k < passes_seen; k++) printf("%s\"%s\":%.1f", k ? "," : "", names[k], median(passes[k], repeats));
  printf("}}\n");
  return 0;
}
