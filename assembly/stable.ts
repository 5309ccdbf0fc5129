// ‖y‖₂ of a strided group without overflow or underflow: ‖y‖₂ = m·‖y/m‖₂ with m = max |y_i|.
// The slow path behind the SIMD sums of squares, taken only when those leave the f64 range.
import { at } from "./layout";

export function stableNorm2<T>(y: usize, n: i32, stride: i32): f64 {
  let m: f64 = 0;
  for (let i = 0; i < n; i++) m = max(m, abs(<f64>load<T>(at<T>(y, i * stride))));
  if (m == 0) return 0;
  let sum: f64 = 0;
  for (let i = 0; i < n; i++) {
    const scaled = <f64>load<T>(at<T>(y, i * stride)) / m;
    sum += scaled * scaled;
  }
  return m * Math.sqrt(sum);
}
