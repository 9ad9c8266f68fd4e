import { NormalStream } from '../util/gaussian.ts';

// A link's receiver noise in the delay domain: x_m[j] ~ CN(0, sigma_x^2), i.i.d. over the elements m and the n
// native samples j of the period (the DFT of i.i.d. per-RE noise; config.ts). Drawn on demand in blocks of 8
// samples, block b of element m from stream m * 4096 + b of the link's key, so a sample's value depends only on
// (key, m, j): the fast estimator draws the few it needs, the brute-force reference draws them all, and both
// see the same realisation. Indices wrap modulo n (the noise is periodic like the DFT).

const BLOCK = 8;
/** Streams of a link key that are not noise blocks (false-alarm draws, RSRP noise, diffuse fading). */
export const STREAM_FALSE_ALARM = 0x7ff00001;
export const STREAM_RSRP = 0x7ff00002;
export const STREAM_FADING = 0x7ff00003;

export class LinkNoise {
  re = new Float64Array(0);
  im = new Float64Array(0);
  private done = new Int32Array(0);
  /** Per block: every element's block drawn (stamp), so that ensure looks at a block once. */
  private blockDone = new Int32Array(0);
  private stamp = 1;
  private key: readonly number[] = [0, 0];
  private sigma = 0;
  private readonly stream = new NormalStream();
  private n = 0;
  private blocks = 0;

  /** Starts a link: `elements` x `n` samples of variance `variance` (complex), keyed by `key`. */
  begin(key: readonly number[], elements: number, n: number, variance: number): void {
    this.key = key;
    this.sigma = Math.sqrt(variance / 2);
    this.n = n;
    this.blocks = Math.ceil(n / BLOCK);
    if (this.re.length < elements * this.blocks * BLOCK) {
      this.re = new Float64Array(elements * this.blocks * BLOCK);
      this.im = new Float64Array(elements * this.blocks * BLOCK);
      this.done = new Int32Array(elements * this.blocks);
      this.blockDone = new Int32Array(this.blocks);
      this.stamp = 1;
    }
    if (++this.stamp === 0x7fffffff) {
      this.done.fill(0);
      this.blockDone.fill(0);
      this.stamp = 1;
    }
  }

  /** Draws (if needed) samples j0 .. j0 + count - 1 (any integers, wrapped) of every element. */
  ensure(elements: number, j0: number, count: number): void {
    const b0 = Math.floor(j0 / BLOCK), b1 = Math.floor((j0 + count - 1) / BLOCK);
    for (let b = b0; b <= b1; b++) {
      let bb = b % this.blocks;
      if (bb < 0) bb += this.blocks;
      if (this.blockDone[bb] === this.stamp) continue;
      this.blockDone[bb] = this.stamp;
      for (let m = 0; m < elements; m++) this.draw(m, bb);
    }
  }

  /** Element m's samples start at m * stride in re/im. */
  get stride(): number {
    return this.blocks * BLOCK;
  }

  /** Sample j (any integer) wrapped into the period. */
  wrap(j: number): number {
    j %= this.n;
    return j < 0 ? j + this.n : j;
  }

  /** Index into re/im of sample j of element m, drawing its block if needed. */
  at(m: number, j: number): number {
    j %= this.n;
    if (j < 0) j += this.n;
    this.draw(m, (j / BLOCK) | 0);
    return m * this.blocks * BLOCK + j;
  }

  private draw(m: number, b: number): void {
    const slot = m * this.blocks + b;
    if (this.done[slot] === this.stamp) return;
    this.done[slot] = this.stamp;
    this.stream.seed(this.key, m * 4096 + b).pairsInto(this.re, this.im, slot * BLOCK, BLOCK, this.sigma);
  }
}
