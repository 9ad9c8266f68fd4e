import { type Manifold, steeringInto } from '../channel/array.ts';
import { DIFFUSE_COARSE, type LinkChannel } from '../channel/link-channel.ts';
import { NormalStream } from '../util/gaussian.ts';
import { KERNEL_PEAK, type MeasureConfig, symbolAverage } from './config.ts';
import { Kernel, KERNEL_HALF_WIDTH, PairKernel } from './kernel.ts';
import { LinkNoise, STREAM_FALSE_ALARM, STREAM_RSRP } from './noise.ts';
import { BeamScanner } from './scan.ts';

// What a gNB reports for one link, from the link's channel (src/channel) and its own noise (noise.ts): the fast
// path, evaluated in the delay domain where the estimators look (config.ts has the signal model).
// 1. ToA, first-path detection. The window starts `search_margin_ns` before the expected (line-of-sight) arrival
//    and spans one period T_p of the comb. On each native sample T the gNB forms P(t) = sum over elements of
//    |h_m(t)|^2 (non-coherent over the array: no direction assumed) and takes the first sample above both the
//    noise threshold (false-alarm probability) and the strongest peak minus `peak_threshold_db`; then it climbs
//    to that peak and refines its delay by two parabolic fits (at +-T/2, then +-T/8).
//    - Components enter through the window's kernel R; noise through its native samples (noise.ts).
//    - Before the first component's kernel reaches (and after the last one's) only noise remains: there a false
//      alarm is drawn directly, each sample crossing with the per-sample probability (config.ts), instead of
//      drawing those samples.
//    - The strongest peak is taken from the noiseless profile around the three strongest components, plus the
//      noise's mean.
// 2. AoA: the per-element vector y = h(ToA) is scanned with the array's own manifold (scan.ts).
// 3. RSRP (TS 38.215, FR2: the combined signal of a receiver branch): the linear average over the SRS REs of
//    |w^H Y_k|^2 with w the beam toward the estimated AoA, minus the noise power. Its signal part is computed
//    from the components pairwise (pairs within 16 samples: further apart their cross term is < 2 % each and
//    averages out); its noise part is drawn from its exact distribution (the projection of the noise on the
//    signal, plus a Gamma-distributed rest).
// The per-site timing offset is added to the ToA; the per-element phase errors multiply the true response, the
// estimators assume the nominal manifold.

export interface SiteImpairments {
  /** Fixed timing offset of the site, s. */
  timingOffsetS: number;
  /** Per element e^{j phase error}, or null for a calibrated array. */
  phaseRe: Float64Array | null;
  phaseIm: Float64Array | null;
}

export interface LinkMeasurement {
  detected: boolean;
  /** The detection came from noise alone (a sample of the window with no component within its kernel). */
  falseAlarm: boolean;
  /** Estimated one-way delay (ToA), s; NaN when not detected. */
  toaS: number;
  /** Estimated direction at the site, rad (azimuth from +x CCW in (-pi, pi], elevation). */
  azRad: number;
  elRad: number;
  /** RSRP per RE (W); NaN when not detected. May be <= 0 (noise subtracted): callers floor it. */
  rsrpW: number;
}

export const emptyMeasurement = (): LinkMeasurement => ({ detected: false, falseAlarm: false, toaS: NaN, azRad: NaN, elRad: NaN, rsrpW: NaN });

/** Pairs of components further apart than this many native samples are left out of the RSRP's cross terms. */
const RSRP_PAIR_SAMPLES = 16;
/**
 * A sample whose components, all in phase, reach less than this share of the noise's mean power (summed over the
 * elements) counts as noise only. At 64 elements and a 1e-3 false-alarm window the threshold sits 45 noise
 * variances above the mean (5.6 standard deviations of the sum); a signal of 0.08 x 64 = 5 variances moves the
 * mean by 5 and the deviation from 8 to 8.6: the crossing probability goes from 1.3e-6 to at most ~2e-6 (the
 * noncentral chi-square tail), and a false alarm over the window stays ~1e-3.
 */
const NOISE_ONLY = 0.08;

export class Estimator {
  readonly kernel: Kernel;
  private readonly pair: PairKernel;
  readonly scanner: BeamScanner;
  private readonly noise = new LinkNoise();
  private readonly draws = new NormalStream();
  private readonly M: number;
  // Per component (capacity grows): window delay t, sign, Doppler average, true delay, Doppler; amplitude x steering.
  private cap = 0;
  private t = new Float64Array(0);
  private sign = new Float64Array(0);
  private davg = new Float64Array(0);
  private power = new Float64Array(0);
  private sRe = new Float64Array(0);
  private sIm = new Float64Array(0);
  private order = new Int32Array(0);
  /** Channel index of each component of the detection set; the coarse clusters' channel indices. */
  private idx = new Int32Array(0);
  private readonly coarse: number[] = [];
  private sortedT = new Float64Array(0);
  private count = 0;
  /** Per component of the detection set: the link (counter) its per-element response was computed for. */
  private steeredAt = new Int32Array(0);
  private link = 0;
  private impairments!: SiteImpairments;
  private orientation = 0;
  private ch!: LinkChannel;
  // Per evaluation: local components (their offsets in sRe/sIm) and kernel weights; per element h.
  private localIdx = new Int32Array(0);
  private localW = new Float64Array(0);
  readonly hRe: Float64Array;
  readonly hIm: Float64Array;
  private readonly stRe: Float64Array;
  private readonly stIm: Float64Array;
  private readonly bRe: number[] = [];
  private readonly strongIdx: number[] = [];
  private readonly peakSamples: number[] = [];
  private readonly bIm: number[] = [];
  private readonly tapW = new Float64Array(2 * KERNEL_HALF_WIDTH + 4);
  private zr = new Float64Array(0);
  private zi = new Float64Array(0);
  private level = new Float64Array(0);
  /** sqrt of the noise-only level: NOISE_ONLY x the element-summed noise power of a sample. */
  private readonly noiseOnlyLevel: number;

  constructor(readonly cfg: MeasureConfig, readonly manifold: Manifold) {
    this.kernel = new Kernel(cfg.n, cfg.sampleS);
    this.scanner = new BeamScanner(manifold);
    this.M = manifold.elements;
    this.hRe = new Float64Array(this.M);
    this.hIm = new Float64Array(this.M);
    this.stRe = new Float64Array(this.M);
    this.stIm = new Float64Array(this.M);
    this.noiseOnlyLevel = Math.sqrt(NOISE_ONLY * this.M * cfg.noiseH);
    this.pair = new PairKernel(cfg.n, cfg.sampleS, RSRP_PAIR_SAMPLES);
  }

  private grow(p: number): void {
    if (p <= this.cap) return;
    const c = Math.max(p, 2 * this.cap, 64);
    this.cap = c;
    this.t = new Float64Array(c);
    this.sign = new Float64Array(c);
    this.davg = new Float64Array(c);
    this.power = new Float64Array(c);
    this.sRe = new Float64Array(c * this.M);
    this.sIm = new Float64Array(c * this.M);
    this.order = new Int32Array(c);
    this.idx = new Int32Array(c);
    this.steeredAt = new Int32Array(c);
    this.sortedT = new Float64Array(c);
    this.localIdx = new Int32Array(c);
    this.localW = new Float64Array(c);
  }

  /**
   * Measures one link. `losDelayS`: the line-of-sight delay (the expected arrival the window is placed on);
   * `key`: the link's random key (noise, false alarms, RSRP noise).
   */
  measure(ch: LinkChannel, orientationRad: number, imp: SiteImpairments, losDelayS: number, key: readonly number[], out: LinkMeasurement): LinkMeasurement {
    const cfg = this.cfg, M = this.M, T = cfg.sampleS, n = cfg.n;
    out.detected = false;
    out.falseAlarm = false;
    out.toaS = out.azRad = out.elRad = out.rsrpW = NaN;
    this.ch = ch;
    this.noise.begin(key, M, n, cfg.noiseX);
    this.draws.seed(key, STREAM_FALSE_ALARM);
    const t0 = losDelayS - cfg.searchMarginS;
    this.prepareDelays(ch, t0);
    this.impairments = imp;
    this.orientation = orientationRad;
    const P = this.count;
    // Per sample, an upper bound of the noiseless signal (every component in phase, through the array's best gain).
    const level = this.sampleBounds(P);

    // Detection threshold: noise, and the strongest peak (noiseless, around the three strongest components) minus
    // the peak threshold.
    let threshold = cfg.thresholdW;
    let most = 0;
    for (let j = 0; j < n; j++) most = Math.max(most, level[j]);
    // (Not needed when even the bound keeps the relative threshold under the noise threshold.)
    if (P > 0 && (most * most + M * cfg.noiseH) * cfg.peakRatio > cfg.thresholdW) {
      // Each sample once: the strongest components often lie within a sample of each other.
      const samples = this.peakSamples;
      samples.length = 0;
      for (const p of this.strongest(3)) {
        const c = Math.round(this.t[p] / T);
        for (let d = -1; d <= 1; d++) if (!samples.includes(c + d)) samples.push(c + d);
      }
      let peak = 0;
      for (const j of samples) peak = Math.max(peak, this.evaluate(j * T, false));
      threshold = Math.max(threshold, (peak + M * cfg.noiseH) * cfg.peakRatio);
    }
    // A sample can cross only through noise, with at most the noise-only probability, where its signal bound is
    // under NOISE_ONLY of the noise or under sqrt(threshold) - sqrt(noise threshold) (the noise would have to
    // cross the noise threshold by itself): such samples are drawn as noise only.
    const skip = Math.max(this.noiseOnlyLevel, Math.sqrt(threshold) - Math.sqrt(cfg.thresholdW));

    // Scan: runs of noise-only samples get their false alarm drawn directly, the others are evaluated.
    let hit = -1, hitValue = 0;
    for (let j = 0; j < n && hit < 0; ) {
      if (level[j] < skip) {
        let end = j;
        while (end < n && level[end] < skip) end++;
        const k = this.falseAlarm(end - j);
        if (k >= 0) {
          hit = j + k;
          out.falseAlarm = true;
        }
        j = end;
      } else {
        const f = this.evaluate(j * T, true);
        if (f > threshold) {
          hit = j;
          hitValue = f;
        }
        j++;
      }
    }
    let peakSample = hit;
    if (hit < 0) return out;
    out.detected = true;

    // The peak the crossing belongs to, refined (false alarms: the crossing sample).
    let tHat = hit * T;
    if (!out.falseAlarm) {
      let f0 = hitValue;
      for (let guard = 0; guard < 4 * KERNEL_HALF_WIDTH; guard++) {
        const f1 = this.evaluate((peakSample + 1) * T, true);
        if (!(f1 > f0)) break;
        peakSample++;
        f0 = f1;
      }
      tHat = this.refine(peakSample * T, f0, T / 2);
      tHat = this.refine(tHat, this.evaluate(tHat, true), T / 8);
    }
    this.evaluate(tHat, true);
    out.toaS = t0 + tHat + imp.timingOffsetS;

    // AoA: beam scan of h(ToA).
    const [az, el] = this.scanner.scan(this.hRe, this.hIm, orientationRad);
    out.azRad = az;
    out.elRad = el;

    // RSRP in the beam toward the estimated direction.
    out.rsrpW = this.rsrp(orientationRad, az, el, key);
    return out;
  }

  /**
   * The components the detector and the scan see (specular paths and full-resolution diffuse clusters): window
   * delays, sort order, and a bound of their power (the array's peak gain); coarse diffuse clusters only add
   * power to the RSRP: kept aside.
   */
  private prepareDelays(ch: LinkChannel, t0: number): void {
    const cfg = this.cfg, Tp = cfg.periodS;
    this.grow(ch.count);
    if (++this.link === 0x7fffffff) {
      this.link = 1;
      this.steeredAt.fill(0);
    }
    this.coarse.length = 0;
    const flip = (cfg.n - 1) % 2 === 0 ? 1 : -1;
    let P = 0;
    for (let c = 0; c < ch.count; c++) {
      if (ch.diffuse[c] === DIFFUSE_COARSE) {
        this.coarse.push(c);
        continue;
      }
      const p = P++;
      this.idx[p] = c;
      this.davg[p] = symbolAverage(ch.doppler[c], cfg.symbols, cfg.symbolS);
      this.power[p] = cfg.rePowerW * (ch.re[c] ** 2 + ch.im[c] ** 2) * this.scanner.maxGain * this.davg[p] ** 2;
      const rel = ch.delay[c] - t0;
      const q = Math.floor(rel / Tp);
      this.t[p] = rel - q * Tp;
      this.sign[p] = q % 2 === 0 ? 1 : flip;
    }
    this.count = P;
    const order = this.order.subarray(0, P);
    for (let p = 0; p < P; p++) order[p] = p;
    order.sort((a, b) => this.t[a] - this.t[b] || a - b);
    for (let i = 0; i < P; i++) this.sortedT[i] = this.t[order[i]];
  }

  /** Component p's amplitude times its per-element response (with the site's phase errors), computed once per link. */
  private ensureSteered(p: number): void {
    if (this.steeredAt[p] === this.link) return;
    this.steeredAt[p] = this.link;
    const M = this.M, ch = this.ch, imp = this.impairments, c = this.idx[p];
    const amp = Math.sqrt(this.cfg.rePowerW);
    const cr = amp * ch.re[c], ci = amp * ch.im[c];
    const stRe = this.stRe, stIm = this.stIm, sRe = this.sRe, sIm = this.sIm, pRe = imp.phaseRe, pIm = imp.phaseIm;
    steeringInto(this.manifold, this.orientation, ch.az[c], ch.el[c], stRe, stIm);
    const o = p * M;
    for (let m = 0; m < M; m++) {
      let ar = stRe[m], ai = stIm[m];
      if (pRe && pIm) {
        const r = ar * pRe[m] - ai * pIm[m];
        ai = ar * pIm[m] + ai * pRe[m];
        ar = r;
      }
      sRe[o + m] = cr * ar - ci * ai;
      sIm[o + m] = cr * ai + ci * ar;
    }
  }

  /** Per native sample, an upper bound of the noiseless sqrt(sum_m |h_m|^2) (components in phase, `power` bounds). */
  private sampleBounds(P: number): Float64Array {
    const cfg = this.cfg, T = cfg.sampleS, n = cfg.n;
    if (this.level.length < n) this.level = new Float64Array(n);
    const level = this.level;
    level.fill(0, 0, n);
    for (let p = 0; p < P; p++) {
      const a = Math.sqrt(this.power[p]);
      const j0 = Math.ceil(this.t[p] / T - KERNEL_HALF_WIDTH - 1), j1 = Math.floor(this.t[p] / T + KERNEL_HALF_WIDTH + 1);
      // (j0 and j1 lie within a kernel's reach of the period: one wrap at most.)
      for (let j = j0; j <= j1; j++) level[j < 0 ? j + n : j >= n ? j - n : j] += a * Math.abs(this.kernel.at(j * T - this.t[p]));
    }
    return level;
  }

  /** The k strongest components (by received power through their own matched beam). */
  private strongest(k: number): number[] {
    const best: number[] = [];
    for (let p = 0; p < this.count; p++) {
      best.push(p);
      best.sort((a, b) => this.power[b] - this.power[a] || a - b);
      if (best.length > k) best.pop();
    }
    return best;
  }

  /**
   * h_m(t) for every element into hRe/hIm (t: window delay, s) and returns sum_m |h_m|^2; withNoise: with the
   * receiver's noise (without: the noiseless profile, for the strongest peak).
   */
  private evaluate(t: number, withNoise: boolean): number {
    const cfg = this.cfg, M = this.M, T = cfg.sampleS, Tp = cfg.periodS, P = this.count;
    const reach = (KERNEL_HALF_WIDTH + 1) * T;
    // Components within reach (and across the period's ends, with the period's sign).
    let L = 0;
    const flip = (cfg.n - 1) % 2 === 0 ? 1 : -1;
    // Components within reach, and across the period's ends with the period's sign.
    for (let pass = 0; pass < 3; pass++) {
      const shift = pass === 0 ? 0 : pass === 1 ? -Tp : Tp;
      if ((pass === 1 && t - reach >= 0) || (pass === 2 && t + reach <= Tp)) continue;
      const sgn = pass === 0 ? 1 : flip;
      for (let a = lowerBound(this.sortedT, P, t - reach - shift); a < P && this.sortedT[a] + shift <= t + reach; a++) {
        const p = this.order[a];
        const w = sgn * this.sign[p] * this.davg[p] * this.kernel.at(t - (this.t[p] + shift));
        if (w === 0) continue;
        this.ensureSteered(p);
        this.localIdx[L] = p * M;
        this.localW[L++] = w;
      }
    }
    // Four elements at a time, each summed in a register over the components in the same order as a
    // component-by-component accumulation would: the same bits, without storing h at every component.
    const hr = this.hRe, hi = this.hIm, sRe = this.sRe, sIm = this.sIm, localW = this.localW, localIdx = this.localIdx;
    let m = 0;
    for (; m + 4 <= M; m += 4) {
      let r0 = 0, r1 = 0, r2 = 0, r3 = 0, i0 = 0, i1 = 0, i2 = 0, i3 = 0;
      for (let l = 0; l < L; l++) {
        const w = localW[l], o = localIdx[l] + m;
        r0 += w * sRe[o];
        r1 += w * sRe[o + 1];
        r2 += w * sRe[o + 2];
        r3 += w * sRe[o + 3];
        i0 += w * sIm[o];
        i1 += w * sIm[o + 1];
        i2 += w * sIm[o + 2];
        i3 += w * sIm[o + 3];
      }
      hr[m] = r0;
      hr[m + 1] = r1;
      hr[m + 2] = r2;
      hr[m + 3] = r3;
      hi[m] = i0;
      hi[m + 1] = i1;
      hi[m + 2] = i2;
      hi[m + 3] = i3;
    }
    for (; m < M; m++) {
      let re = 0, im = 0;
      for (let l = 0; l < L; l++) {
        const w = localW[l], o = localIdx[l] + m;
        re += w * sRe[o];
        im += w * sIm[o];
      }
      hr[m] = re;
      hi[m] = im;
    }
    if (withNoise) this.addNoise(t);
    let s = 0;
    for (let m = 0; m < M; m++) s += hr[m] * hr[m] + hi[m] * hi[m];
    return s;
  }

  /** Adds the windowed noise at window delay t to hRe/hIm: sum_j x[j] R(t - jT). */
  private addNoise(t: number): void {
    const T = this.cfg.sampleS, M = this.M;
    const c = t / T;
    const jc = Math.round(c);
    let j0: number, nt: number;
    if (Math.abs(c - jc) < 1e-9) {
      // A native sample: the window's three taps.
      j0 = jc - 1;
      nt = 3;
      this.tapW[0] = 0.25;
      this.tapW[1] = 0.5;
      this.tapW[2] = 0.25;
    } else {
      j0 = Math.floor(c) - KERNEL_HALF_WIDTH;
      nt = 2 * KERNEL_HALF_WIDTH + 2;
      for (let i = 0; i < nt; i++) this.tapW[i] = this.kernel.at(t - (j0 + i) * T);
    }
    const nz = this.noise, hr = this.hRe, hi = this.hIm, w = this.tapW;
    nz.ensure(M, j0, nt);
    const xr = nz.re, xi = nz.im, n = this.cfg.n, stride = nz.stride, jw = nz.wrap(j0);
    for (let m = 0, row = 0; m < M; m++, row += stride) {
      let ar = 0, ai = 0;
      const wrapAt = row + n; // the period's end for this element
      for (let i = 0, x = row + jw; i < nt; i++, x++) {
        if (x === wrapAt) x -= n;
        ar += w[i] * xr[x];
        ai += w[i] * xi[x];
      }
      hr[m] += ar;
      hi[m] += ai;
    }
  }

  /** Index of the first sample at which noise alone crosses the threshold among `samples`, or -1. */
  private falseAlarm(samples: number): number {
    if (samples <= 0) return -1;
    const k = Math.floor(Math.log(this.draws.uniform()) / Math.log1p(-this.cfg.pSample));
    return k < samples ? k : -1;
  }

  /** Vertex of the parabola through f(t - h), f(t) = f0, f(t + h) (moves at most h). */
  private refine(t: number, f0: number, h: number): number {
    const fm = this.evaluate(t - h, true), fp = this.evaluate(t + h, true);
    const den = fm - 2 * f0 + fp;
    if (!(den < 0)) return fp > fm ? t + h : fm > f0 ? t - h : t;
    const d = (0.5 * h * (fm - fp)) / den;
    return t + Math.max(-h, Math.min(h, d));
  }

  /** RSRP per RE (W) with the beam toward (az, el): signal from the components, plus drawn noise, minus the noise power. */
  private rsrp(orientationRad: number, az: number, el: number, key: readonly number[]): number {
    const cfg = this.cfg, M = this.M, P = this.count, ch = this.ch;
    steeringInto(this.manifold, orientationRad, az, el, this.stRe, this.stIm);
    let norm = 0;
    for (let m = 0; m < M; m++) norm += this.stRe[m] ** 2 + this.stIm[m] ** 2;
    norm = Math.sqrt(norm);
    // Components within 20 dB of the strongest (power bounds): exact, with their cross terms; the others (and the
    // coarse diffuse clusters): their power through the beam, the cross terms of weak components being negligible.
    let top = 0;
    for (let p = 0; p < P; p++) top = Math.max(top, this.power[p]);
    const strong = this.strongIdx;
    strong.length = 0;
    for (let a = 0; a < P; a++) {
      const p = this.order[a];
      if (this.power[p] >= 0.01 * top) strong.push(p);
      else this.coarse.push(this.idx[p]);
    }
    const Pb = strong.length;
    const bRe = this.bRe, bIm = this.bIm;
    bRe.length = bIm.length = Pb;
    for (let i = 0; i < Pb; i++) {
      const p = strong[i];
      this.ensureSteered(p);
      let re = 0, im = 0;
      const o = p * M;
      for (let m = 0; m < M; m++) {
        re += this.stRe[m] * this.sRe[o + m] + this.stIm[m] * this.sIm[o + m];
        im += this.stRe[m] * this.sIm[o + m] - this.stIm[m] * this.sRe[o + m];
      }
      bRe[i] = re / norm;
      bIm[i] = im / norm;
    }
    const maxGap = RSRP_PAIR_SAMPLES * cfg.sampleS, Tp = cfg.periodS, S = cfg.symbols;
    // e^{j 2 pi nu t_s} of each component at each symbol (t_s centred on the middle symbol).
    if (this.zr.length < Pb * S) {
      this.zr = new Float64Array(Pb * S);
      this.zi = new Float64Array(Pb * S);
    }
    const zr = this.zr, zi = this.zi;
    for (let i = 0; i < Pb; i++)
      for (let k = 0; k < S; k++) {
        const a = 2 * Math.PI * ch.doppler[this.idx[strong[i]]] * (k - (S - 1) / 2) * cfg.symbolS;
        zr[i * S + k] = Math.cos(a);
        zi[i * S + k] = Math.sin(a);
      }
    let power = 0;
    for (let a = 0; a < Pb; a++) {
      const p = a;
      power += bRe[p] * bRe[p] + bIm[p] * bIm[p];
      const pair = (q: number) => {
        const cross = bRe[p] * bRe[q] + bIm[p] * bIm[q];
        const cp = this.idx[strong[p]], cq = this.idx[strong[q]];
        const d = this.pair.at(ch.delay[cq] - ch.delay[cp]);
        // (1/S) sum_s e^{j 2 pi (nu_p - nu_q) t_s}: real for symmetric t_s; from the components' symbol phasors.
        let s = 0;
        for (let k = 0; k < S; k++) s += zr[p * S + k] * zr[q * S + k] + zi[p * S + k] * zi[q * S + k];
        s /= S;
        // Re(b_p b_q^*) with the real, even Dirichlet and symbol averages.
        power += 2 * cross * d * s;
      };
      const ta = this.t[strong[a]];
      for (let b = a + 1; b < Pb && this.t[strong[b]] - ta <= maxGap; b++) pair(b);
      // Pairs across the period's end (the comb cannot tell delays a period apart).
      for (let b = 0; b < a && this.t[strong[b]] + Tp - ta <= maxGap; b++) pair(b);
    }
    // Coarse diffuse clusters: their power through the beam (their cross terms have random phases and are tiny).
    if (this.coarse.length > 0) {
      this.scanner.beamSetup(this.stRe, this.stIm);
      for (const c of this.coarse) power += (cfg.rePowerW * (ch.re[c] ** 2 + ch.im[c] ** 2) * this.scanner.beamPower(orientationRad, ch.az[c], ch.el[c])) / (norm * norm);
    }
    // Noise: the REs' noise projected on the signal (alpha) and the rest (Gamma), exact for Gaussian noise.
    const draws = this.draws.seed(key, STREAM_RSRP);
    const total = cfg.n * cfg.symbols, s2 = cfg.noiseReW;
    const alphaRe = Math.sqrt(s2 / 2) * draws.next(), alphaIm = Math.sqrt(s2 / 2) * draws.next();
    const rest = s2 * draws.gamma(total - 1);
    const raw = power + (2 * alphaRe * Math.sqrt(Math.max(0, power) * total) + alphaRe * alphaRe + alphaIm * alphaIm + rest) / total;
    return raw - s2;
  }
}

/** First index i in [0, n) with a[i] >= v (n if none). */
function lowerBound(a: Float64Array, n: number, v: number): number {
  let lo = 0, hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
