// Dense-layer epilogues: bias + activation forward, activation derivative backward, bias gradient.
// Activation codes: 0 linear, 1 GELU (exact form x·Φ(x) = 0.5·x·(1 + erf(x/√2))), 2 sigmoid.
// f32x4 SIMD throughout; the last n % 4 elements go through one vector padded with zeros.
// erf is Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7, the formula's own bound); exp is written out
// (range reduction to |r| <= ln2/2 and a degree-7 Taylor polynomial by Estrin's scheme; the sigmoid on
// [-20, 20] is within 3.7 ulp of the exact value): the standard library's uses a lookup table, i.e. a
// data segment.

export const LINEAR = 0;
export const GELU = 1;
export const SIGMOID = 2;

const LOG2E: f32 = 1.4426950408889634;
const LN2_HI: f32 = 0.693145751953125; // few mantissa bits: k·LN2_HI is exact for |k| <= 128
const LN2_LO: f32 = 1.428606765330187e-6;
const INV_SQRT_2PI: f32 = 0.3989422804014327;
const SQRT1_2: f32 = 0.7071067811865476;
const ERF_P: f32 = 0.3275911;
const A1: f32 = 0.254829592, A2: f32 = -0.284496736, A3: f32 = 1.421413741, A4: f32 = -1.453152027, A5: f32 = 1.061405429;

@inline function sp(v: f32): v128 {
  return f32x4.splat(v);
}

/** e^x per lane; x clamped to [-87, 88] (the normal float32 range of 2^k). */
@inline function exp4(x: v128): v128 {
  x = f32x4.pmax(f32x4.pmin(x, sp(88)), sp(-87)); // pmin/pmax: one instruction each; min/max differ only for NaN and -0
  const k = f32x4.nearest(f32x4.mul(x, sp(LOG2E)));
  const r = f32x4.sub(f32x4.sub(x, f32x4.mul(k, sp(LN2_HI))), f32x4.mul(k, sp(LN2_LO)));
  // Σ r^i/i!, i <= 7, by Estrin's scheme: (1 + r) + r²(1/2 + r/6) + r⁴((1/24 + r/120) + r²(1/720 + r/5040)),
  // 5 dependent steps instead of Horner's 14 (the activations are bound by this latency).
  const r2 = f32x4.mul(r, r);
  const r4 = f32x4.mul(r2, r2);
  const q0 = f32x4.add(sp(1), r);
  const q1 = f32x4.add(sp(0.5), f32x4.mul(r, sp(1.0 / 6)));
  const q2 = f32x4.add(sp(1.0 / 24), f32x4.mul(r, sp(1.0 / 120)));
  const q3 = f32x4.add(sp(1.0 / 720), f32x4.mul(r, sp(1.0 / 5040)));
  const p = f32x4.add(f32x4.add(q0, f32x4.mul(r2, q1)), f32x4.mul(r4, f32x4.add(q2, f32x4.mul(r2, q3))));
  return f32x4.mul(p, i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(k), i32x4.splat(127)), 23));
}

/** The derivative act4 computed along with GELU (a second return value; a wasm global, not memory). */
export let derivative: v128 = f32x4.splat(0);

/**
 * act(z) per lane. For GELU also sets `derivative` = Φ(z) + z·φ(z): φ(z) = e^(-z²/2)/√(2π) is the
 * e^(-a²) inside erf(a), a = z/√2, so the derivative costs a few multiplications more.
 */
@inline export function act4(z: v128, act: i32): v128 {
  if (act == GELU) {
    const x = f32x4.mul(z, sp(SQRT1_2));
    const a = f32x4.abs(x);
    const t = f32x4.div(sp(1), f32x4.add(sp(1), f32x4.mul(sp(ERF_P), a)));
    let p = sp(A5);
    p = f32x4.add(f32x4.mul(p, t), sp(A4));
    p = f32x4.add(f32x4.mul(p, t), sp(A3));
    p = f32x4.add(f32x4.mul(p, t), sp(A2));
    p = f32x4.add(f32x4.mul(p, t), sp(A1));
    const g = exp4(f32x4.neg(f32x4.mul(a, a)));
    const e = f32x4.sub(sp(1), f32x4.mul(f32x4.mul(p, t), g));
    const erf = v128.or(e, v128.and(x, i32x4.splat(0x80000000))); // e >= 0: take the sign of x
    const cdf = f32x4.mul(sp(0.5), f32x4.add(sp(1), erf));
    derivative = f32x4.add(cdf, f32x4.mul(z, f32x4.mul(sp(INV_SQRT_2PI), g)));
    return f32x4.mul(z, cdf);
  }
  if (act == SIGMOID) return f32x4.div(sp(1), f32x4.add(sp(1), exp4(f32x4.neg(z))));
  return z;
}

/** act'(·) per lane from what actGrad's s holds: the derivative itself (GELU) or y (sigmoid). */
@inline function deriv4(s: v128, act: i32): v128 {
  if (act == GELU) return s;
  if (act == SIGMOID) return f32x4.mul(s, f32x4.sub(sp(1), s));
  return sp(1);
}

@inline function loadTail(p: usize, n: i32): v128 {
  let v = f32x4.splat(0);
  if (n > 0) v = f32x4.replace_lane(v, 0, load<f32>(p));
  if (n > 1) v = f32x4.replace_lane(v, 1, load<f32>(p, 4));
  if (n > 2) v = f32x4.replace_lane(v, 2, load<f32>(p, 8));
  return v;
}

@inline function storeTail(p: usize, v: v128, n: i32): void {
  if (n > 0) store<f32>(p, f32x4.extract_lane(v, 0));
  if (n > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4);
  if (n > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8);
}

/**
 * z [M, N] += bias [N] (bias 0: none); then y = act(z) over the M·N elements (y may be z), and for
 * GELU its derivative into d (0: not wanted). z must be a tensor the caller owns (a fresh matmul
 * output), never a kernel input, unless bias is 0.
 */
export function biasAct(z: usize, bias: usize, y: usize, d: usize, M: i32, N: i32, act: i32): void {
  if (bias) {
    for (let i = 0; i < M; i++) {
      const row = z + (<usize>i * N << 2);
      let j = 0;
      for (; j + 4 <= N; j += 4) v128.store(row + (<usize>j << 2), f32x4.add(v128.load(row + (<usize>j << 2)), v128.load(bias + (<usize>j << 2))));
      for (; j < N; j++) store<f32>(row + (<usize>j << 2), load<f32>(row + (<usize>j << 2)) + load<f32>(bias + (<usize>j << 2)));
    }
  }
  if (act == LINEAR && y == z) return;
  const n = M * N;
  // One loop per case, `act` and `d` constant inside it: branches on them in the loop body made V8
  // shuffle registers at every merge (the polynomials' constants already fill them).
  let i = 0;
  if (act == GELU && d) i = actLoop(z, y, d, n, GELU);
  else if (act == GELU) i = actLoop(z, y, 0, n, GELU);
  else if (act == SIGMOID) i = actLoop(z, y, 0, n, SIGMOID);
  else i = actLoop(z, y, 0, n, LINEAR);
  if (i < n) {
    const o = <usize>i << 2;
    storeTail(y + o, act4(loadTail(z + o, n - i), act), n - i);
    if (d) storeTail(d + o, derivative, n - i);
  }
}

/** y = act(z) (and d = act' if d != 0) over the whole vectors of n elements; returns how many elements it did. */
@inline function actLoop(z: usize, y: usize, d: usize, n: i32, act: i32): i32 {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(y + o, act4(v128.load(z + o), act));
    if (d) v128.store(d + o, derivative);
  }
  return i;
}

/** dz = dy·act'(·) over n elements, from s: GELU's derivative (biasAct's d), y for sigmoid; unused for linear. */
export function actGrad(dy: usize, s: usize, dz: usize, n: i32, act: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dz + (<usize>i << 2), f32x4.mul(v128.load(dy + (<usize>i << 2)), deriv4(v128.load(s + (<usize>i << 2)), act)));
  if (i < n) storeTail(dz + (<usize>i << 2), f32x4.mul(loadTail(dy + (<usize>i << 2), n - i), deriv4(loadTail(s + (<usize>i << 2), n - i), act)), n - i);
}

/** dst [N] = Σ_i src[i, :] for src [M, N] (a bias gradient), rows added in order. */
export function colSum(src: usize, dst: usize, M: i32, N: i32): void {
  let j = 0;
  for (; j + 4 <= N; j += 4) {
    let acc = f32x4.splat(0);
    for (let i = 0; i < M; i++) acc = f32x4.add(acc, v128.load(src + ((<usize>i * N + j) << 2)));
    v128.store(dst + (<usize>j << 2), acc);
  }
  for (; j < N; j++) {
    let s: f32 = 0;
    for (let i = 0; i < M; i++) s += load<f32>(src + ((<usize>i * N + j) << 2));
    store<f32>(dst + (<usize>j << 2), s);
  }
}
