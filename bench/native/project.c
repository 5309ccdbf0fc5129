// The native baseline of the benchmarks: the same operators as sparseproj, in plain C, timed in C.
//   l1ball       Condat (2016), "Fast projection onto the simplex and the ℓ1 ball", Algorithm 2, on |y|
//                with the signs restored: x = sign(y)·max(|y| − τ, 0), y itself when ‖y‖₁ ≤ a.
//   bilevel-inf  Barlaud, Perez, Marmorat, Algorithm 1 on a row-major rows × cols matrix, groups = columns:
//                v_j = max_i |Y_ij| (one sweep over the rows), u = P_ℓ1,η(v) (the same Condat code),
//                X_ij = clip(Y_ij, −u_j, u_j) (a second sweep).
//   bilevel-1    the same with v_j = Σ_i |Y_ij| and each column projected onto the ℓ1 ball of radius u_j.
//   bilevel-2    the same with v_j = ‖y_j‖₂ and each column scaled by u_j / v_j.
//   memcpy       the same bytes copied once: the physical floor.
//
// Build (run.mjs does it): cc -O3 -march=native -DREAL=float  -o project_f32.out project.c -lm
//                          cc -O3 -march=native -DREAL=double -o project_f64.out project.c -lm
// Usage: project_<type>.out OP ROWS COLS RADIUS BUDGET_MS INPUT OUTPUT
//   INPUT holds ROWS·COLS raw little-endian REAL values (l1ball reads them as one vector); OUTPUT gets the
//   last result. Prints {"median_ns", "repeats", "passes": {name: median_ns}} on one line.
#define _POSIX_C_SOURCE 199309L
#include <math.h>
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
  long rows, cols;
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
  if (argc != 8) {
    fprintf(stderr, "usage: %s OP ROWS COLS RADIUS BUDGET_MS INPUT OUTPUT\n", argv[0]);
    return 2;
  }
  const char *op = argv[1];
  const long rows = atol(argv[2]), cols = atol(argv[3]), n = rows * cols;
  const double radius = atof(argv[4]), budget_ns = atof(argv[5]) * 1e6;
  void (*run)(const Problem *) = NULL;
  enum Kind kind = KIND_INF;
  const char *names[MAX_PASSES] = {"norms", "l1", "apply"};
  if (!strcmp(op, "l1ball")) {
    run = l1ball;
    names[0] = "condat", names[1] = "apply";
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

  real *y = must_alloc((size_t)n * sizeof(real));
  FILE *in = fopen(argv[6], "rb");
  if (!in || fread(y, sizeof(real), (size_t)n, in) != (size_t)n) {
    fprintf(stderr, "cannot read %ld values from %s\n", n, argv[6]);
    return 2;
  }
  fclose(in);
  const long longest = rows > cols ? rows : cols;
  Problem p = {
      .y = y, .rows = rows, .cols = cols, .radius = radius,
      .out = must_alloc((size_t)n * sizeof(real)),
      .aux = must_alloc((size_t)(run == l1ball ? n : longest) * sizeof(real)),
      .norms = must_alloc((size_t)cols * sizeof(double)),
      .scratch = must_alloc((size_t)cols * sizeof(double)),
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
