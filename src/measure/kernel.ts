// The delay-domain kernel of the Hann-windowed SRS comb (config.ts):
//   R(t) = (1/n) sum_k w_k e^{j 2 pi f_k t},  f_k = (k - (n-1)/2) D,  w_k = (1 + cos(2 pi (k - (n-1)/2) / n)) / 2,
// which is real and even: with u = D t and the Dirichlet kernel Dn(u) = sin(pi n u) / sin(pi u),
//   R(t) = (1/n) [ Dn(u) / 2 + Dn(u + 1/n) / 4 + Dn(u - 1/n) / 4 ].
// At native samples t = j T (T = 1 / (n D)) it is 1/2, 1/4, 1/4 at j = 0, -1, +1 and 0 elsewhere; it is periodic
// in T_p = 1 / D with a sign (-1)^(n-1) per period. Its sidelobes (-31.5 dB at 2.5 samples) fall 18 dB an octave:
// beyond 5 samples they are below 3e-3 of its peak (-50 dB), where the estimators cut it. Tabulated at T / 512
// and interpolated linearly (error < 1e-5 of the peak).

/** Samples on each side within which the kernel is kept. */
export const KERNEL_HALF_WIDTH = 5;
const STEPS = 512;

export function dirichlet(n: number, u: number): number {
  const s = Math.sin(Math.PI * u);
  if (Math.abs(s) < 1e-12) {
    const m = Math.round(u);
    return (m * (n - 1)) % 2 === 0 ? n : -n;
  }
  return Math.sin(Math.PI * n * u) / s;
}

/** R at u = D t, exact (slow: three Dirichlet kernels). */
export function hannKernelExact(n: number, u: number): number {
  return (0.5 * dirichlet(n, u) + 0.25 * dirichlet(n, u + 1 / n) + 0.25 * dirichlet(n, u - 1 / n)) / n;
}

/** R(t) tabulated over |t| <= (KERNEL_HALF_WIDTH + 1) T; zero beyond. */
export class Kernel {
  private readonly table: Float64Array;
  private readonly scale: number;
  private readonly half: number;

  constructor(readonly n: number, readonly sampleS: number) {
    const span = (KERNEL_HALF_WIDTH + 1) * STEPS;
    this.half = span;
    this.table = new Float64Array(2 * span + 2);
    for (let i = 0; i <= 2 * span + 1; i++) this.table[i] = hannKernelExact(n, (i - span) / STEPS / n);
    this.scale = STEPS / sampleS;
  }

  /** R(t), t in seconds (0 beyond the tabulated span). */
  at(t: number): number {
    const x = t * this.scale + this.half;
    if (!(x >= 0 && x < 2 * this.half)) return 0;
    const i = Math.floor(x), f = x - i;
    return this.table[i] + f * (this.table[i + 1] - this.table[i]);
  }
}

/**
 * The comb's Dirichlet kernel d(dt) = (1/n) sum_k e^{j 2 pi f_k dt} = Dn(D dt) / n (real, even; period T_p with
 * the sign (-1)^(n-1)), for the RSRP's cross terms: tabulated over |dt| <= halfWidth + 1 samples at T / 256,
 * delays reduced to the nearest period first.
 */
export class PairKernel {
  private readonly table: Float64Array;
  private readonly scale: number;
  private readonly half: number;
  private readonly period: number;
  private readonly flip: number;

  constructor(readonly n: number, readonly sampleS: number, halfWidth: number) {
    const steps = 256, span = (halfWidth + 1) * steps;
    this.half = span;
    this.table = new Float64Array(2 * span + 2);
    for (let i = 0; i <= 2 * span + 1; i++) this.table[i] = dirichlet(n, (i - span) / steps / n) / n;
    this.scale = steps / sampleS;
    this.period = n * sampleS;
    this.flip = (n - 1) % 2 === 0 ? 1 : -1;
  }

  at(dt: number): number {
    const q = Math.round(dt / this.period);
    const x = (dt - q * this.period) * this.scale + this.half;
    if (!(x >= 0 && x < 2 * this.half)) return 0;
    const i = Math.floor(x), f = x - i;
    const v = this.table[i] + f * (this.table[i + 1] - this.table[i]);
    return q % 2 === 0 ? v : this.flip * v;
  }
}
