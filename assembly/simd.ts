// Lane-generic helpers so every kernel is written once for f32 (4 lanes) and f64 (2 lanes).

@inline export function lanes<T>(): i32 {
  return 16 / sizeof<T>();
}

// The largest T not above `value`: clip thresholds rounded down keep f32 outputs feasible,
// and filter bounds rounded down never skip a candidate.
@inline export function roundDown<T>(value: f64): T {
  if (sizeof<T>() == 4) {
    let narrow = <f32>value;
    if (<f64>narrow > value) narrow = nextBelow(narrow);
    return <T>narrow;
  }
  return <T>value;
}

// The smallest T not below `value` ≥ 0 (soft thresholds λ: a larger λ keeps ℓ1 outputs feasible).
@inline export function roundUp<T>(value: f64): T {
  if (sizeof<T>() == 4) {
    let narrow = <f32>value;
    if (<f64>narrow < value) narrow = reinterpret<f32>(reinterpret<u32>(narrow) + 1);
    return <T>narrow;
  }
  return <T>value;
}

@inline function nextBelow(value: f32): f32 {
  if (value > 0) return reinterpret<f32>(reinterpret<u32>(value) - 1);
  if (value == 0) return -reinterpret<f32>(1);
  return reinterpret<f32>(reinterpret<u32>(value) + 1);
}

// Widen |v| to f64 pairs: f32 lanes 0,1 and 2,3 (f64 data is one pair, hi unused).
@inline export function widenLow<T>(v: v128): v128 {
  return sizeof<T>() == 4 ? f64x2.promote_low_f32x4(v) : v;
}

@inline export function widenHigh<T>(v: v128): v128 {
  return f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1));
}

@inline export function horizontalMax<T>(v: v128): f64 {
  if (sizeof<T>() == 4) {
    return max(
      max(<f64>f32x4.extract_lane(v, 0), <f64>f32x4.extract_lane(v, 1)),
      max(<f64>f32x4.extract_lane(v, 2), <f64>f32x4.extract_lane(v, 3))
    );
  }
  return max(f64x2.extract_lane(v, 0), f64x2.extract_lane(v, 1));
}

@inline export function horizontalSum(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

// max of two lanes of magnitudes (|y| ≥ 0, or NaN) compared as integers: non-negative IEEE values order like
// their bit patterns, and NaN's pattern is above +Infinity's, so NaN still wins — while V8 compiles a float
// max with NaN and −0 semantics to a multi-instruction sequence.
@inline export function maxMagnitude<T>(a: v128, b: v128): v128 {
  if (sizeof<T>() == 4) return i32x4.max_u(a, b);
  return v128.bitselect(b, a, i64x2.gt_s(b, a));
}
