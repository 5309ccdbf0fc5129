// The Huber-energy (Radon–Sobolev) latent loss of n points z_i ∈ ℝ^k against N(0, I_k), fused: one kernel for the
// value and one for the gradient (docs/huber-energy.md derives the formula and the constants c₀, c₁):
//   L(z) = c₀ + (1/n) Σ_i √(‖z_i‖² + c₁) − (1/(2n²)) Σ_i Σ_j ‖z_i − z_j‖.
// Layout: z is n × k row-major f32 (a batch of latent codes), the gradient dz likewise. Sums are f64.
// The pairwise term is the O(n²·k) part; each unordered pair is visited once (the double sum is twice the sum
// over i < j) and its squared distance is a f32x4 sweep over the coordinates, so k = 8 is two vector steps.

@inline function f32At(base: usize, index: i32): usize {
  return base + (<usize>index << 2);
}

// ‖a − b‖² over k coordinates: four lanes at a time, then the tail. b = 0 reads as the origin (‖a‖²).
@inline function squaredDistance(a: usize, b: usize, k: i32): f64 {
  let acc = f32x4.splat(0);
  let c = 0;
  for (; c + 4 <= k; c += 4) {
    const d = b ? f32x4.sub(v128.load(f32At(a, c)), v128.load(f32At(b, c))) : v128.load(f32At(a, c));
    acc = f32x4.add(acc, f32x4.mul(d, d));
  }
  let s: f64 = <f64>f32x4.extract_lane(acc, 0) + <f64>f32x4.extract_lane(acc, 1) + <f64>f32x4.extract_lane(acc, 2) + <f64>f32x4.extract_lane(acc, 3);
  for (; c < k; c++) {
    const d = <f64>load<f32>(f32At(a, c)) - (b ? <f64>load<f32>(f32At(b, c)) : 0);
    s += d * d;
  }
  return s;
}

// a += u·(p − q) and b −= u·(p − q) over k coordinates (q = 0: the origin; b = 0: no second row).
@inline function addScaledDifference(a: usize, b: usize, p: usize, q: usize, u: f32, k: i32): void {
  const uu = f32x4.splat(u);
  let c = 0;
  for (; c + 4 <= k; c += 4) {
    const d = f32x4.mul(q ? f32x4.sub(v128.load(f32At(p, c)), v128.load(f32At(q, c))) : v128.load(f32At(p, c)), uu);
    v128.store(f32At(a, c), f32x4.add(v128.load(f32At(a, c)), d));
    if (b) v128.store(f32At(b, c), f32x4.sub(v128.load(f32At(b, c)), d));
  }
  for (; c < k; c++) {
    const d = (load<f32>(f32At(p, c)) - (q ? load<f32>(f32At(q, c)) : 0)) * u;
    store<f32>(f32At(a, c), load<f32>(f32At(a, c)) + d);
    if (b) store<f32>(f32At(b, c), load<f32>(f32At(b, c)) - d);
  }
}

// L(z) as above.
export function huberEnergy(z: usize, n: i32, k: i32, c0: f64, c1: f64): f64 {
  if (n == 0) return c0;
  let radial: f64 = 0, pairwise: f64 = 0;
  for (let i = 0; i < n; i++) {
    const zi = f32At(z, i * k);
    radial += Math.sqrt(squaredDistance(zi, 0, k) + c1);
    for (let j = i + 1; j < n; j++) pairwise += Math.sqrt(squaredDistance(zi, f32At(z, j * k), k));
  }
  const nn = <f64>n;
  return c0 + radial / nn - pairwise / (nn * nn);
}

// dz (+)= scale·∂L/∂z: ∂/∂z_i = z_i/(n·√(‖z_i‖² + c₁)) − (1/n²) Σ_j (z_i − z_j)/‖z_i − z_j‖, where a coincident
// pair (‖z_i − z_j‖ = 0, e.g. a collapsed encoder) contributes the subgradient 0 rather than 0/0 = NaN.
export function huberEnergyGrad(z: usize, n: i32, k: i32, c1: f64, scale: f64, dz: usize, accumulate: i32): void {
  // The pairs add into both of their rows, so an overwrite starts from zero.
  if (!accumulate) memory.fill(dz, 0, <usize>(n * k) << 2);
  const nn = <f64>n;
  for (let i = 0; i < n; i++) {
    const zi = f32At(z, i * k), gi = f32At(dz, i * k);
    addScaledDifference(gi, 0, zi, 0, <f32>(scale / (nn * Math.sqrt(squaredDistance(zi, 0, k) + c1))), k);
    for (let j = i + 1; j < n; j++) {
      const zj = f32At(z, j * k);
      const distance = Math.sqrt(squaredDistance(zi, zj, k));
      if (distance > 0) addScaledDifference(f32At(dz, j * k), gi, zi, zj, <f32>(scale / (nn * nn * distance)), k);
    }
  }
}
