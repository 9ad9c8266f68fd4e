// Single-precision matrix products on f32x4 SIMD, for tfjs-wasm tensors (pointers are byte offsets
// into the backend's memory, which this module imports). Row-major, C contiguous [M, N].
//
// Two inner kernels cover the three transpose cases a dense layer needs:
// - "axpy" (gemmNN): C[i, :] += A(i, k) * B[k, :], B rows contiguous. A is read through strides
//   (sAm, sAk), so A·B (sAm = K, sAk = 1) and Aᵀ·B (A stored [K, M]: sAm = 1, sAk = M) share it.
//   Register tile 4 rows x 8 columns: 8 f32x4 accumulators, 2 loads of B and 4 splats of A per k.
// - "dot" (gemmNT): C[i, n] = A[i, :] · B[n, :], both contiguous along K (A·Bᵀ). Tile 4 x 2:
//   8 accumulators over k in steps of 4, summed across lanes at the end.
// Each output element is a sum over k in ascending order of fixed groupings: the result depends
// only on the shapes and values, never on timing (determinism).

@inline function mad(acc: v128, a: v128, b: v128): v128 {
  return f32x4.add(acc, f32x4.mul(a, b));
}

@inline function hsum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/** C[4 x 8] at pc (row stride ldc bytes) from A rows at pa (row step am, k step ak bytes) and B at pb (k step ldb bytes). */
@inline function nn4x8(pa: usize, am: usize, ak: usize, pb: usize, ldb: usize, K: i32, pc: usize, ldc: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  const am2 = am << 1, am3 = am * 3;
  for (let k = 0; k < K; k++) {
    const b0 = v128.load(pb), b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa);
    c00 = mad(c00, a, b0); c01 = mad(c01, a, b1);
    a = v128.load32_splat(pa + am);
    c10 = mad(c10, a, b0); c11 = mad(c11, a, b1);
    a = v128.load32_splat(pa + am2);
    c20 = mad(c20, a, b0); c21 = mad(c21, a, b1);
    a = v128.load32_splat(pa + am3);
    c30 = mad(c30, a, b0); c31 = mad(c31, a, b1);
    pa += ak;
    pb += ldb;
  }
  v128.store(pc, c00); v128.store(pc, c01, 16); pc += ldc;
  v128.store(pc, c10); v128.store(pc, c11, 16); pc += ldc;
  v128.store(pc, c20); v128.store(pc, c21, 16); pc += ldc;
  v128.store(pc, c30); v128.store(pc, c31, 16);
}

/** C[4 x 4] (the 4-column remainder of a row block). */
@inline function nn4x4(pa: usize, am: usize, ak: usize, pb: usize, ldb: usize, K: i32, pc: usize, ldc: usize): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
  const am2 = am << 1, am3 = am * 3;
  for (let k = 0; k < K; k++) {
    const b = v128.load(pb);
    c0 = mad(c0, v128.load32_splat(pa), b);
    c1 = mad(c1, v128.load32_splat(pa + am), b);
    c2 = mad(c2, v128.load32_splat(pa + am2), b);
    c3 = mad(c3, v128.load32_splat(pa + am3), b);
    pa += ak;
    pb += ldb;
  }
  v128.store(pc, c0); pc += ldc;
  v128.store(pc, c1); pc += ldc;
  v128.store(pc, c2); pc += ldc;
  v128.store(pc, c3);
}

/** One row of C, 8 columns. */
@inline function nn1x8(pa: usize, ak: usize, pb: usize, ldb: usize, K: i32, pc: usize): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0);
  for (let k = 0; k < K; k++) {
    const a = v128.load32_splat(pa);
    c0 = mad(c0, a, v128.load(pb)); c1 = mad(c1, a, v128.load(pb, 16));
    pa += ak;
    pb += ldb;
  }
  v128.store(pc, c0); v128.store(pc, c1, 16);
}

/** One row of C, 4 columns. */
@inline function nn1x4(pa: usize, ak: usize, pb: usize, ldb: usize, K: i32, pc: usize): void {
  let c0 = f32x4.splat(0);
  for (let k = 0; k < K; k++) {
    c0 = mad(c0, v128.load32_splat(pa), v128.load(pb));
    pa += ak;
    pb += ldb;
  }
  v128.store(pc, c0);
}

/** One element of C. */
@inline function nn1x1(pa: usize, ak: usize, pb: usize, ldb: usize, K: i32, pc: usize): void {
  let s: f32 = 0;
  for (let k = 0; k < K; k++) {
    s += load<f32>(pa) * load<f32>(pb);
    pa += ak;
    pb += ldb;
  }
  store<f32>(pc, s);
}

/**
 * One column j of C (the < 4 columns left after the 8- and 4-wide panels, e.g. a 2-unit output
 * layer), vectorised over rows (Aᵀ·B: 4 rows of A are contiguous at each k) or over k (A·B: dot
 * products with B's column gathered 4 k at a time, shared by 4 rows); scalar otherwise.
 */
function nnColumn(a: usize, b: usize, c: usize, M: i32, N: i32, K: i32, sAm: i32, sAk: i32, j: i32): void {
  const am = <usize>sAm << 2, ak = <usize>sAk << 2, ldb = <usize>N << 2;
  const pb0 = b + (<usize>j << 2);
  let i = 0;
  if (sAm == 1) {
    for (; i + 4 <= M; i += 4) {
      let acc = f32x4.splat(0);
      let pa = a + (<usize>i << 2), pb = pb0;
      for (let k = 0; k < K; k++) {
        acc = mad(acc, v128.load(pa), v128.load32_splat(pb));
        pa += ak;
        pb += ldb;
      }
      const pc = c + <usize>i * ldb + (<usize>j << 2);
      store<f32>(pc, f32x4.extract_lane(acc, 0));
      store<f32>(pc + ldb, f32x4.extract_lane(acc, 1));
      store<f32>(pc + (ldb << 1), f32x4.extract_lane(acc, 2));
      store<f32>(pc + ldb * 3, f32x4.extract_lane(acc, 3));
    }
  } else if (sAk == 1) {
    for (; i + 4 <= M; i += 4) {
      const a0 = a + <usize>i * am, a1 = a0 + am, a2 = a0 + (am << 1), a3 = a0 + am * 3;
      let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
      let k = 0;
      for (; k + 4 <= K; k += 4) {
        const pb = pb0 + <usize>k * ldb;
        let g = v128.load32_zero(pb);
        g = f32x4.replace_lane(g, 1, load<f32>(pb + ldb));
        g = f32x4.replace_lane(g, 2, load<f32>(pb + (ldb << 1)));
        g = f32x4.replace_lane(g, 3, load<f32>(pb + ldb * 3));
        const o = <usize>k << 2;
        c0 = mad(c0, v128.load(a0 + o), g);
        c1 = mad(c1, v128.load(a1 + o), g);
        c2 = mad(c2, v128.load(a2 + o), g);
        c3 = mad(c3, v128.load(a3 + o), g);
      }
      let s0 = hsum(c0), s1 = hsum(c1), s2 = hsum(c2), s3 = hsum(c3);
      for (; k < K; k++) {
        const x = load<f32>(pb0 + <usize>k * ldb), o = <usize>k << 2;
        s0 += load<f32>(a0 + o) * x;
        s1 += load<f32>(a1 + o) * x;
        s2 += load<f32>(a2 + o) * x;
        s3 += load<f32>(a3 + o) * x;
      }
      const pc = c + <usize>i * ldb + (<usize>j << 2);
      store<f32>(pc, s0);
      store<f32>(pc + ldb, s1);
      store<f32>(pc + (ldb << 1), s2);
      store<f32>(pc + ldb * 3, s3);
    }
  }
  for (; i < M; i++) nn1x1(a + <usize>i * am, ak, pb0, ldb, K, c + <usize>i * ldb + (<usize>j << 2));
}

function nnOne(a: usize, b: usize, c: usize, M: i32, N: i32, K: i32, sAm: i32, sAk: i32): void {
  const am = <usize>sAm << 2, ak = <usize>sAk << 2, ldb = <usize>N << 2;
  // Column panels outside, row blocks inside: a panel of B (K x 8) stays in L1 across the rows.
  let j = 0;
  for (; j + 8 <= N; j += 8) {
    const pb = b + (<usize>j << 2);
    let i = 0;
    for (; i + 4 <= M; i += 4) nn4x8(a + <usize>i * am, am, ak, pb, ldb, K, c + <usize>i * ldb + (<usize>j << 2), ldb);
    for (; i < M; i++) nn1x8(a + <usize>i * am, ak, pb, ldb, K, c + <usize>i * ldb + (<usize>j << 2));
  }
  for (; j + 4 <= N; j += 4) {
    const pb = b + (<usize>j << 2);
    let i = 0;
    for (; i + 4 <= M; i += 4) nn4x4(a + <usize>i * am, am, ak, pb, ldb, K, c + <usize>i * ldb + (<usize>j << 2), ldb);
    for (; i < M; i++) nn1x4(a + <usize>i * am, ak, pb, ldb, K, c + <usize>i * ldb + (<usize>j << 2));
  }
  for (; j < N; j++) nnColumn(a, b, c, M, N, K, sAm, sAk, j);
}

/**
 * C = op(A)·B for `batch` matrices: A(i, k) at a + 4·(i·sAm + k·sAk), B [K, N], C [M, N]; the t-th
 * product starts bsA, bsB, bsC elements further (0 broadcasts one operand over the batch).
 */
export function gemmNN(a: usize, b: usize, c: usize, M: i32, N: i32, K: i32, sAm: i32, sAk: i32, batch: i32, bsA: i32, bsB: i32, bsC: i32): void {
  for (let t = 0; t < batch; t++) nnOne(a + (<usize>t * bsA << 2), b + (<usize>t * bsB << 2), c + (<usize>t * bsC << 2), M, N, K, sAm, sAk);
}

/** Dot of two contiguous rows of length K (lane sums, then the scalar tail). */
@inline function dot1(pa: usize, pb: usize, K: i32): f32 {
  let acc = f32x4.splat(0);
  let k = 0;
  for (; k + 4 <= K; k += 4) acc = mad(acc, v128.load(pa + (<usize>k << 2)), v128.load(pb + (<usize>k << 2)));
  let s = hsum(acc);
  for (; k < K; k++) s += load<f32>(pa + (<usize>k << 2)) * load<f32>(pb + (<usize>k << 2));
  return s;
}

/** C[4 x 2] at pc: rows pa + r·lda of A against rows pb, pb + lda of B. */
@inline function nt4x2(pa: usize, pb: usize, ld: usize, K: i32, pc: usize, ldc: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  const a1 = pa + ld, a2 = pa + (ld << 1), a3 = pa + ld * 3, b1 = pb + ld;
  let k = 0;
  for (; k + 4 <= K; k += 4) {
    const o = <usize>k << 2;
    const x0 = v128.load(pb + o), x1 = v128.load(b1 + o);
    let a = v128.load(pa + o);
    c00 = mad(c00, a, x0); c01 = mad(c01, a, x1);
    a = v128.load(a1 + o);
    c10 = mad(c10, a, x0); c11 = mad(c11, a, x1);
    a = v128.load(a2 + o);
    c20 = mad(c20, a, x0); c21 = mad(c21, a, x1);
    a = v128.load(a3 + o);
    c30 = mad(c30, a, x0); c31 = mad(c31, a, x1);
  }
  let s00 = hsum(c00), s01 = hsum(c01), s10 = hsum(c10), s11 = hsum(c11);
  let s20 = hsum(c20), s21 = hsum(c21), s30 = hsum(c30), s31 = hsum(c31);
  for (; k < K; k++) {
    const o = <usize>k << 2;
    const x0 = load<f32>(pb + o), x1 = load<f32>(b1 + o);
    let a = load<f32>(pa + o);
    s00 += a * x0; s01 += a * x1;
    a = load<f32>(a1 + o);
    s10 += a * x0; s11 += a * x1;
    a = load<f32>(a2 + o);
    s20 += a * x0; s21 += a * x1;
    a = load<f32>(a3 + o);
    s30 += a * x0; s31 += a * x1;
  }
  store<f32>(pc, s00); store<f32>(pc, s01, 4); pc += ldc;
  store<f32>(pc, s10); store<f32>(pc, s11, 4); pc += ldc;
  store<f32>(pc, s20); store<f32>(pc, s21, 4); pc += ldc;
  store<f32>(pc, s30); store<f32>(pc, s31, 4);
}

function ntOne(a: usize, b: usize, c: usize, M: i32, N: i32, K: i32): void {
  const ld = <usize>K << 2, ldc = <usize>N << 2;
  let j = 0;
  for (; j + 2 <= N; j += 2) {
    const pb = b + <usize>j * ld;
    let i = 0;
    for (; i + 4 <= M; i += 4) nt4x2(a + <usize>i * ld, pb, ld, K, c + <usize>i * ldc + (<usize>j << 2), ldc);
    for (; i < M; i++) {
      const pa = a + <usize>i * ld, pc = c + <usize>i * ldc + (<usize>j << 2);
      store<f32>(pc, dot1(pa, pb, K));
      store<f32>(pc, dot1(pa, pb + ld, K), 4);
    }
  }
  for (; j < N; j++) for (let i = 0; i < M; i++) store<f32>(c + <usize>i * ldc + (<usize>j << 2), dot1(a + <usize>i * ld, b + <usize>j * ld, K));
}

/** C = A·Bᵀ for `batch` matrices: A [M, K], B [N, K], C [M, N]; batch strides in elements as for gemmNN. */
export function gemmNT(a: usize, b: usize, c: usize, M: i32, N: i32, K: i32, batch: i32, bsA: i32, bsB: i32, bsC: i32): void {
  for (let t = 0; t < batch; t++) ntOne(a + (<usize>t * bsA << 2), b + (<usize>t * bsB << 2), c + (<usize>t * bsC << 2), M, N, K);
}
