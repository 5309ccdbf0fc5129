// ‖y‖₂ of a strided group without overflow or underflow: ‖y‖₂ = m·‖y/m‖₂ with m = max |y_i|.
// The slow path behind the SIMD sums of squares, taken only when those leave the f64 range.
import { addressOf } from "./layout";

// The group is the values y[i·stride + k], i < count, k < span (a column: span 1; a row: count 1).
export function stableNorm2<T>(y: usize, count: i32, stride: i32, span: i32): f64 {
  let m: f64 = 0;
  for (let i = 0; i < count; i++) {
    for (let k = 0; k < span; k++) m = max(m, abs(<f64>load<T>(addressOf<T>(y, i * stride + k))));
  }
  if (m == 0) return 0;
  let sum: f64 = 0;
  for (let i = 0; i < count; i++) {
    for (let k = 0; k < span; k++) {
      const scaled = <f64>load<T>(addressOf<T>(y, i * stride + k)) / m;
      sum += scaled * scaled;
    }
  }
  return m * Math.sqrt(sum);
}
