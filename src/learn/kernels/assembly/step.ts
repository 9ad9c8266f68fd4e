import { madd } from './fma';

// The fused training step's products (src/learn/fused-step.ts drives them over one arena). Weights are
// kept packed: W [I, O] as O/8 panels of [I][8] (panel p holds columns 8p..8p+7 of every row), so that
// the forward product and the gradient for x read them in order and the weight gradient is written in
// the same layout, where one Adam pass updates weights and gradients of all layers together. Every
// width is padded to a multiple of 8 and the batch to a multiple of 8 (zeros: they add exact zeros).
// Register tiles of 4 rows x 8 columns, products accumulated with one rounding each (fma.ts), over k
// in ascending order: the result depends only on the values, never on timing.

/**
 * z [M, N] = x·W + bias (the activation is a separate pass, biasAct: its polynomials need the registers).
 * x rows ldx floats apart, K of them used; W packed [N/8][K][8]; M % 4 == 0, N % 8 == 0.
 */
export function denseForward(x: usize, ldx: i32, M: i32, K: i32, w: usize, bias: usize, N: i32, z: usize): void {
  const lx = <usize>ldx << 2, lz = <usize>N << 2, panel = <usize>K << 5;
  for (let j = 0; j < N; j += 8) {
    const pw = w + (<usize>j >> 3) * panel;
    const b0 = v128.load(bias + (<usize>j << 2)), b1 = v128.load(bias + (<usize>j << 2), 16);
    for (let i = 0; i < M; i += 4) {
      let c00 = b0, c01 = b1, c10 = b0, c11 = b1, c20 = b0, c21 = b1, c30 = b0, c31 = b1;
      let pa = x + <usize>i * lx, pb = pw;
      for (let k = 0; k < K; k++) {
        const w0 = v128.load(pb), w1 = v128.load(pb, 16);
        let a = v128.load32_splat(pa);
        c00 = madd(a, w0, c00); c01 = madd(a, w1, c01);
        a = v128.load32_splat(pa + lx);
        c10 = madd(a, w0, c10); c11 = madd(a, w1, c11);
        a = v128.load32_splat(pa + (lx << 1));
        c20 = madd(a, w0, c20); c21 = madd(a, w1, c21);
        a = v128.load32_splat(pa + lx * 3);
        c30 = madd(a, w0, c30); c31 = madd(a, w1, c31);
        pa += 4;
        pb += 32;
      }
      const pc = z + <usize>i * lz + (<usize>j << 2);
      v128.store(pc, c00); v128.store(pc, c01, 16);
      v128.store(pc + lz, c10); v128.store(pc + lz, c11, 16);
      v128.store(pc + (lz << 1), c20); v128.store(pc + (lz << 1), c21, 16);
      v128.store(pc + lz * 3, c30); v128.store(pc + lz * 3, c31, 16);
    }
  }
}

/**
 * The weight gradient g = xᵀ·dz in W's packed layout [N/8][M][8]: g[i][n] = Σ_k x[k][i]·dz[k][n].
 * x [K rows, ldx floats apart], its first M columns; dz [K, N]; M % 4 == 0, N % 8 == 0.
 */
export function denseGradW(x: usize, ldx: i32, K: i32, M: i32, dz: usize, N: i32, g: usize): void {
  const lx = <usize>ldx << 2, ld = <usize>N << 2, panel = <usize>M << 5;
  for (let j = 0; j < N; j += 8) {
    const pg = g + (<usize>j >> 3) * panel;
    for (let i = 0; i < M; i += 4) {
      let c00 = f32x4.splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
      let pa = x + (<usize>i << 2), pb = dz + (<usize>j << 2);
      for (let k = 0; k < K; k++) {
        const w0 = v128.load(pb), w1 = v128.load(pb, 16);
        let a = v128.load32_splat(pa);
        c00 = madd(a, w0, c00); c01 = madd(a, w1, c01);
        a = v128.load32_splat(pa, 4);
        c10 = madd(a, w0, c10); c11 = madd(a, w1, c11);
        a = v128.load32_splat(pa, 8);
        c20 = madd(a, w0, c20); c21 = madd(a, w1, c21);
        a = v128.load32_splat(pa, 12);
        c30 = madd(a, w0, c30); c31 = madd(a, w1, c31);
        pa += lx;
        pb += ld;
      }
      const pc = pg + (<usize>i << 5);
      v128.store(pc, c00); v128.store(pc, c01, 16);
      v128.store(pc, c10, 32); v128.store(pc, c11, 48);
      v128.store(pc, c20, 64); v128.store(pc, c21, 80);
      v128.store(pc, c30, 96); v128.store(pc, c31, 112);
    }
  }
}

/** Panels of W per pass of denseGradX: 16 panels of a 128-wide layer and their rows of dzᵀ stay in L1. */
const GRAD_X_PANELS = 16;

/**
 * The input gradient, transposed: cT [M, N] = W·dzT, cT[i][n] = Σ_o W[i][o]·dzT[o][n], with W packed
 * [K/8][M][8] (M its input width, K its output width) and dzT [K, N]. M % 4 == 0, N % 8 == 0, K % 8 == 0.
 * K is taken in passes of GRAD_X_PANELS panels (the partial sums wait in cT; the order of the sums over
 * o is unchanged), so that W's panels, 4 KB or more apart, do not each cost a TLB miss.
 */
export function denseGradX(w: usize, M: i32, K: i32, dzT: usize, N: i32, cT: usize): void {
  const panel = <usize>M << 5, ld = <usize>N << 2;
  const panels = K >> 3;
  for (let p0 = 0; p0 < panels; p0 += GRAD_X_PANELS) {
    const p1 = min(panels, p0 + GRAD_X_PANELS);
    for (let i = 0; i < M; i += 4) {
      for (let j = 0; j < N; j += 8) {
        const pc = cT + <usize>i * ld + (<usize>j << 2);
        let c00 = f32x4.splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        if (p0 > 0) {
          c00 = v128.load(pc); c01 = v128.load(pc, 16);
          c10 = v128.load(pc + ld); c11 = v128.load(pc + ld, 16);
          c20 = v128.load(pc + (ld << 1)); c21 = v128.load(pc + (ld << 1), 16);
          c30 = v128.load(pc + ld * 3); c31 = v128.load(pc + ld * 3, 16);
        }
        let pa = w + <usize>p0 * panel + (<usize>i << 5);
        let pb = dzT + ((<usize>p0 << 3) * ld) + (<usize>j << 2);
        for (let p = p0; p < p1; p++) {
          // The 8 columns of panel p: rows i..i+3 of W are 32 bytes apart, their k-th entries 4.
          for (let l = 0; l < 8; l++) {
            const w0 = v128.load(pb), w1 = v128.load(pb, 16);
            let a = v128.load32_splat(pa);
            c00 = madd(a, w0, c00); c01 = madd(a, w1, c01);
            a = v128.load32_splat(pa, 32);
            c10 = madd(a, w0, c10); c11 = madd(a, w1, c11);
            a = v128.load32_splat(pa, 64);
            c20 = madd(a, w0, c20); c21 = madd(a, w1, c21);
            a = v128.load32_splat(pa, 96);
            c30 = madd(a, w0, c30); c31 = madd(a, w1, c31);
            pa += 4;
            pb += ld;
          }
          pa += panel - 32;
        }
        v128.store(pc, c00); v128.store(pc, c01, 16);
        v128.store(pc + ld, c10); v128.store(pc + ld, c11, 16);
        v128.store(pc + (ld << 1), c20); v128.store(pc + (ld << 1), c21, 16);
        v128.store(pc + ld * 3, c30); v128.store(pc + ld * 3, c31, 16);
      }
    }
  }
}

/** dst [cols, rows] = srcᵀ for src [rows, cols]; rows % 4 == 0, cols % 4 == 0 (4x4 blocks in registers). */
export function transpose(src: usize, rows: i32, cols: i32, dst: usize): void {
  const ls = <usize>cols << 2, ld = <usize>rows << 2;
  for (let i = 0; i < rows; i += 4) {
    for (let j = 0; j < cols; j += 4) {
      const ps = src + <usize>i * ls + (<usize>j << 2);
      const r0 = v128.load(ps), r1 = v128.load(ps + ls), r2 = v128.load(ps + (ls << 1)), r3 = v128.load(ps + ls * 3);
      const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5), t1 = i32x4.shuffle(r2, r3, 0, 4, 1, 5);
      const t2 = i32x4.shuffle(r0, r1, 2, 6, 3, 7), t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
      const pd = dst + <usize>j * ld + (<usize>i << 2);
      v128.store(pd, i32x4.shuffle(t0, t1, 0, 1, 4, 5));
      v128.store(pd + ld, i32x4.shuffle(t0, t1, 2, 3, 6, 7));
      v128.store(pd + (ld << 1), i32x4.shuffle(t2, t3, 0, 1, 4, 5));
      v128.store(pd + ld * 3, i32x4.shuffle(t2, t3, 2, 3, 6, 7));
    }
  }
}

/**
 * The loss mean((p - y)²) over the B real rows (p's first 2 columns, rows ldp floats apart; y [B, 2]),
 * summed in index order and divided by n = 2B as mseLoss does; dp = (p - y)·(2/n) (mseGrad with dy = 1)
 * in p's layout over M rows, 0 in the padding. Returns the loss.
 */
export function mseStep(p: usize, ldp: i32, y: usize, B: i32, M: i32, dp: usize): f32 {
  memory.fill(dp, 0, <usize>M * ldp << 2);
  const n = <f32>(B << 1);
  const k = <f32>2 / n;
  let s: f32 = 0;
  for (let b = 0; b < B; b++) {
    const pp = p + (<usize>b * ldp << 2), py = y + (<usize>b << 3), pd = dp + (<usize>b * ldp << 2);
    const d0 = load<f32>(pp) - load<f32>(py), d1 = load<f32>(pp, 4) - load<f32>(py, 4);
    s += d0 * d0;
    s += d1 * d1;
    store<f32>(pd, d0 * k);
    store<f32>(pd, d1 * k, 4);
  }
  return s / n;
}

/**
 * HypLoc's main layer before its activation, 32 units: z[b][o] = Σ_i x[b][i]·P[b][32i + o] + P[b][32I + o]
 * for b < M; P [M, 32I + 32] the hypernetwork's output (per-sample weights row-major, then biases).
 */
export function perSampleForward(x: usize, ldx: i32, P: usize, M: i32, I: i32, z: usize): void {
  const lp = <usize>(32 * I + 32) << 2;
  for (let b = 0; b < M; b++) {
    const pb = P + <usize>b * lp;
    const pbias = pb + (<usize>I << 7);
    let c0 = v128.load(pbias), c1 = v128.load(pbias, 16), c2 = v128.load(pbias, 32), c3 = v128.load(pbias, 48);
    let c4 = v128.load(pbias, 64), c5 = v128.load(pbias, 80), c6 = v128.load(pbias, 96), c7 = v128.load(pbias, 112);
    let px = x + (<usize>b * ldx << 2), pw = pb;
    for (let i = 0; i < I; i++) {
      const a = v128.load32_splat(px);
      c0 = madd(a, v128.load(pw), c0); c1 = madd(a, v128.load(pw, 16), c1);
      c2 = madd(a, v128.load(pw, 32), c2); c3 = madd(a, v128.load(pw, 48), c3);
      c4 = madd(a, v128.load(pw, 64), c4); c5 = madd(a, v128.load(pw, 80), c5);
      c6 = madd(a, v128.load(pw, 96), c6); c7 = madd(a, v128.load(pw, 112), c7);
      px += 4;
      pw += 128;
    }
    const pz = z + (<usize>b << 7);
    v128.store(pz, c0); v128.store(pz, c1, 16); v128.store(pz, c2, 32); v128.store(pz, c3, 48);
    v128.store(pz, c4, 64); v128.store(pz, c5, 80); v128.store(pz, c6, 96); v128.store(pz, c7, 112);
  }
}

/**
 * The gradient through the main layer to the hypernetwork's pre-activation, for a sigmoid output P:
 * dzP[b][32i + o] = (x[b][i]·dz[b][o])·(P·(1 - P)) and dzP[b][32I + o] = dz[b][o]·(P·(1 - P)), where dz
 * [M, 32] is the main layer's pre-activation gradient (the products as tfjs's per-sample matmul and
 * SimgenActGrad form them).
 */
export function perSampleBackward(x: usize, ldx: i32, P: usize, M: i32, I: i32, dz: usize, dzP: usize): void {
  const lp = <usize>(32 * I + 32) << 2;
  const one = f32x4.splat(1);
  for (let b = 0; b < M; b++) {
    const pz = dz + (<usize>b << 7);
    const g0 = v128.load(pz), g1 = v128.load(pz, 16), g2 = v128.load(pz, 32), g3 = v128.load(pz, 48);
    const g4 = v128.load(pz, 64), g5 = v128.load(pz, 80), g6 = v128.load(pz, 96), g7 = v128.load(pz, 112);
    let pp = P + <usize>b * lp, po = dzP + <usize>b * lp, px = x + (<usize>b * ldx << 2);
    for (let i = 0; i <= I; i++) {
      // Row I holds the biases: their gradient is dz itself.
      const a = i < I ? v128.load32_splat(px) : one;
      sigmoidGrad(pp, po, i < I ? f32x4.mul(a, g0) : g0, 0);
      sigmoidGrad(pp, po, i < I ? f32x4.mul(a, g1) : g1, 16);
      sigmoidGrad(pp, po, i < I ? f32x4.mul(a, g2) : g2, 32);
      sigmoidGrad(pp, po, i < I ? f32x4.mul(a, g3) : g3, 48);
      sigmoidGrad(pp, po, i < I ? f32x4.mul(a, g4) : g4, 64);
      sigmoidGrad(pp, po, i < I ? f32x4.mul(a, g5) : g5, 80);
      sigmoidGrad(pp, po, i < I ? f32x4.mul(a, g6) : g6, 96);
      sigmoidGrad(pp, po, i < I ? f32x4.mul(a, g7) : g7, 112);
      px += 4;
      pp += 128;
      po += 128;
    }
  }
}

@inline function sigmoidGrad(pp: usize, po: usize, g: v128, off: usize): void {
  const s = v128.load(pp + off);
  v128.store(po + off, f32x4.mul(g, f32x4.mul(s, f32x4.sub(f32x4.splat(1), s))));
}
