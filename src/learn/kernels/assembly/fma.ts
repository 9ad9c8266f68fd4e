// Fused multiply-add per f32 lane, acc + a·b rounded once, for the fused training step's products.
// Two builds of the same sources (src/learn/kernels/build.ts): with relaxed SIMD, f32x4.relaxed_madd,
// which V8 runs as one vfmadd on a CPU with FMA3 (x64) and as fmla on arm64 (one rounding); without it,
// an exact emulation in f64x2 that gives the same bits (slower, for engines or CPUs without it):
//   a·b is exact in f64 (24 + 24 bits); s = a·b + acc rounded to f64, its error e by TwoSum (Knuth);
//   then s rounded to odd (if e != 0 and s's last bit is even, step to the neighbour towards e), and
//   the f32 rounding of that odd result is the correctly rounded a·b + acc: 53 >= 24 + 2 bits
//   (Boldo & Melquiond, "Emulation of FMA and correctly rounded sums: proved algorithms using rounding
//   to odd", IEEE Trans. Computers 57(4), 2008). The loader checks that relaxed_madd really fuses
//   (a CPU without FMA3 runs it as a multiply and an add) before it takes the relaxed build.

/** acc + a·b in f64 lanes (two f32 values promoted), rounded to odd. */
@inline function madd2(a: v128, b: v128, acc: v128): v128 {
  const p = f64x2.mul(a, b);
  const s = f64x2.add(p, acc);
  const bb = f64x2.sub(s, p);
  const e = f64x2.add(f64x2.sub(p, f64x2.sub(s, bb)), f64x2.sub(acc, bb));
  const inexactEven = v128.and(f64x2.ne(e, f64x2.splat(0)), i64x2.eq(v128.and(s, i64x2.splat(1)), i64x2.splat(0)));
  // Towards e: +1 ulp in magnitude when s and e have one sign, -1 ulp otherwise.
  const step = v128.bitselect(i64x2.splat(1), i64x2.splat(-1), i64x2.ge_s(v128.xor(s, e), i64x2.splat(0)));
  return i64x2.add(s, v128.and(step, inexactEven));
}

/** acc + a·b per f32 lane with one rounding. */
@inline export function madd(a: v128, b: v128, acc: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, acc);
  const lo = madd2(f64x2.promote_low_f32x4(a), f64x2.promote_low_f32x4(b), f64x2.promote_low_f32x4(acc));
  const hi = madd2(
    f64x2.promote_low_f32x4(i32x4.shuffle(a, a, 2, 3, 2, 3)),
    f64x2.promote_low_f32x4(i32x4.shuffle(b, b, 2, 3, 2, 3)),
    f64x2.promote_low_f32x4(i32x4.shuffle(acc, acc, 2, 3, 2, 3)),
  );
  return i32x4.shuffle(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
}

/**
 * 1 if madd rounds once, 0 if it rounds twice: (1 + 2^-12)² - 1 is 2^-11 + 2^-24 exactly, 2^-11 with
 * the product rounded first. The loader's check of the relaxed build.
 */
export function maddFuses(): i32 {
  const a = f32x4.splat(<f32>1 + <f32>2 ** -12);
  const r = f32x4.extract_lane(madd(a, a, f32x4.splat(-1)), 0);
  return r == <f32>2 ** -11 + <f32>2 ** -24 ? 1 : 0;
}
