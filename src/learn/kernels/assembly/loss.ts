// Mean squared error over n values (the training loss) and its gradient, in float32 like tfjs's
// Sub/Square/Mean chain, summed in index order.

/** *out = Σ (p - y)² / n. */
export function mseLoss(p: usize, y: usize, out: usize, n: i32): void {
  let s: f32 = 0;
  for (let i = 0; i < n; i++) {
    const d = load<f32>(p + (<usize>i << 2)) - load<f32>(y + (<usize>i << 2));
    s += d * d;
  }
  store<f32>(out, s / <f32>n);
}

/** dp = (p - y)·(2·dy / n), dy the loss's upstream gradient (a scalar). */
export function mseGrad(p: usize, y: usize, dy: usize, dp: usize, n: i32): void {
  const k = load<f32>(dy) * (<f32>2 / <f32>n);
  for (let i = 0; i < n; i++) store<f32>(dp + (<usize>i << 2), (load<f32>(p + (<usize>i << 2)) - load<f32>(y + (<usize>i << 2))) * k);
}
