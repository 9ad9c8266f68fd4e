// One Adam step over all of a model's variables (tfjs's AdamOptimizer.applyGradients, fused).
// tfjs runs ~16 kernels per variable; this is one pass over the parameters, with tfjs's float32
// operations in tfjs's order, except that the bias corrections multiply by 1/c instead of dividing
// by c (divisions and square roots bound this loop: one division and one square root per parameter
// instead of three and one; results within a few ulp of tfjs's):
//   m' = m·β1 + g·(1 - β1)            v' = v·β2 + g²·(1 - β2)
//   w' = ((m'·(1/c1)) / (sqrt(v'·(1/c2)) + ε))·(-lr) + w      c1 = 1 - β1^t, c2 = 1 - β2^t
// m and v are updated in place; w' goes to w or to its own buffer.

/** `table` row per variable, u32 each: w, g, w', m, v pointers and the element count. */
const ROW: usize = 6 * 4;

export function adamUpdate(table: usize, count: i32, beta1: f32, beta2: f32, oneMinusBeta1: f32, oneMinusBeta2: f32, c1: f32, c2: f32, eps: f32, negLr: f32): void {
  const r1 = <f32>1 / c1, r2 = <f32>1 / c2;
  const b1 = f32x4.splat(beta1), b2 = f32x4.splat(beta2), ob1 = f32x4.splat(oneMinusBeta1), ob2 = f32x4.splat(oneMinusBeta2);
  const vr1 = f32x4.splat(r1), vr2 = f32x4.splat(r2), veps = f32x4.splat(eps), vlr = f32x4.splat(negLr);
  for (let r = 0; r < count; r++) {
    const row = table + <usize>r * ROW;
    const w = <usize>load<u32>(row), g = <usize>load<u32>(row, 4), wOut = <usize>load<u32>(row, 8);
    const m = <usize>load<u32>(row, 12), v = <usize>load<u32>(row, 16), n = <i32>load<u32>(row, 20);
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const gi = v128.load(g + o);
      const mi = f32x4.add(f32x4.mul(v128.load(m + o), b1), f32x4.mul(gi, ob1));
      const vi = f32x4.add(f32x4.mul(v128.load(v + o), b2), f32x4.mul(f32x4.mul(gi, gi), ob2));
      v128.store(m + o, mi);
      v128.store(v + o, vi);
      const step = f32x4.div(f32x4.mul(mi, vr1), f32x4.add(f32x4.sqrt(f32x4.mul(vi, vr2)), veps));
      v128.store(wOut + o, f32x4.add(f32x4.mul(step, vlr), v128.load(w + o)));
    }
    for (; i < n; i++) {
      const o = <usize>i << 2;
      const gi = load<f32>(g + o);
      const mi = load<f32>(m + o) * beta1 + gi * oneMinusBeta1;
      const vi = load<f32>(v + o) * beta2 + gi * gi * oneMinusBeta2;
      store<f32>(m + o, mi);
      store<f32>(v + o, vi);
      store<f32>(wOut + o, ((mi * r1) / (Mathf.sqrt(vi * r2) + eps)) * negLr + load<f32>(w + o));
    }
  }
}
