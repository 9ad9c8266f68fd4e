import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeManifold, steeringInto } from '../src/channel/array.ts';
import { ChannelBuilder } from '../src/channel/link-channel.ts';
import { measureConfig } from '../src/measure/config.ts';
import { aoaCrbRad, snrTotal, toaCrbS } from '../src/measure/crb.ts';
import { Estimator, emptyMeasurement, type SiteImpairments } from '../src/measure/estimate.ts';
import { hannKernelExact, Kernel } from '../src/measure/kernel.ts';
import { makeArrayGain } from '../src/radio/antenna.ts';
import { nrSrsSpec } from '../src/scenario/measurement.ts';
import type { ArrayConfig } from '../src/scenario/config.ts';

// The nr-srs estimators against closed forms, one plane wave (or two) in white noise: the Cramér-Rao bounds of
// ToA and AoA at several SNRs and bandwidths (the ratio of the measured standard deviation to the bound is the
// factor docs/measure.md states), RSRP against the ideal received power, two paths merging below the delay
// resolution, the kernel's closed form.

const spec: ArrayConfig = { columns: 16, rows: 4, spacingWavelengths: 0.5 };
const F = 28e9, C = 299792458;
const manifold = makeManifold(spec, F);
const gainOf = makeArrayGain(spec, F);
const calibrated: SiteImpairments = { timingOffsetS: 0, phaseRe: null, phaseIm: null };
const dir = (az: number, el: number): [number, number, number] => [Math.cos(el) * Math.cos(az), Math.cos(el) * Math.sin(az), Math.sin(el)];

function setup(bandwidthMhz: number) {
  const cfg = measureConfig(nrSrsSpec({ model: 'nr-srs', bandwidth_mhz: bandwidthMhz }, F, 'test'), F, 23, manifold.elements);
  return { cfg, est: new Estimator(cfg, manifold) };
}

interface Trials {
  toaErr: number[];
  azErr: number[];
  elErr: number[];
  rsrpDb: number[];
  falseAlarms: number;
  missed: number;
}

/** `trials` noisy measurements of one path of total SNR `snrDb` from (az, el) at distance d, random carrier phase. */
function run(bandwidthMhz: number, snrDb: number, trials: number, az = 0.4, el = -0.05, d = 120): Trials & { crbToa: number; crbAz: number; crbEl: number } {
  const { cfg, est } = setup(bandwidthMhz);
  const G = gainOf(0, dir(az, el));
  const g = (10 ** (snrDb / 10) * cfg.noiseReW) / (cfg.symbols * cfg.uePowerW * G);
  const snr = snrTotal(cfg, g, G);
  const ch = new ChannelBuilder(), out = emptyMeasurement();
  const r: Trials = { toaErr: [], azErr: [], elErr: [], rsrpDb: [], falseAlarms: 0, missed: 0 };
  for (let k = 0; k < trials; k++) {
    const ph = 2.399 * k;
    ch.reset().add(d / C, Math.sqrt(g) * Math.cos(ph), Math.sqrt(g) * Math.sin(ph), az, el, 0);
    est.measure(ch, 0, calibrated, d / C, [bandwidthMhz * 1000 + k, Math.round(snrDb * 10)], out);
    if (!out.detected) r.missed++;
    else if (out.falseAlarm) r.falseAlarms++;
    else {
      r.toaErr.push(out.toaS - d / C);
      r.azErr.push(out.azRad - az);
      r.elErr.push(out.elRad - el);
      r.rsrpDb.push(10 * Math.log10((out.rsrpW * cfg.n) / (cfg.uePowerW * g * G)));
    }
  }
  const [crbAz, crbEl] = aoaCrbRad(manifold, 0, az, el, snr);
  return { ...r, crbToa: toaCrbS(cfg, snr), crbAz, crbEl };
}

const rms = (a: number[]) => Math.sqrt(a.reduce((s, x) => s + x * x, 0) / a.length);
const mean = (a: number[]) => a.reduce((s, x) => s + x, 0) / a.length;

test('kernel: the Hann comb kernel is 1/2, 1/4, 1/4 at native lags, table within 1e-5 of the closed form, below -50 dB beyond 5 samples', () => {
  const n = 792, T = 1e-9;
  const k = new Kernel(n, T);
  assert.ok(Math.abs(k.at(0) - 0.5) < 1e-12 && Math.abs(k.at(T) - 0.25) < 1e-9 && Math.abs(k.at(-T) - 0.25) < 1e-9 && Math.abs(k.at(2 * T)) < 1e-9);
  let worst = 0;
  for (let i = 0; i < 5000; i++) {
    const t = (Math.sin(i * 12.9898) * 0.5 + 0.5) * 11 * T - 5.5 * T;
    worst = Math.max(worst, Math.abs(k.at(t) - hannKernelExact(n, t / T / n)));
  }
  assert.ok(worst < 1e-5, `table error ${worst}`);
  for (const j of [5.5, 6.5, 20.5]) assert.ok(Math.abs(hannKernelExact(n, j / n)) < 0.5 * 10 ** -2.5, `at ${j} samples: ${hannKernelExact(n, j / n)}`);
});

test('ToA: standard deviation within [1, 2] x the Cramér-Rao bound at 100 and 400 MHz, total SNR 25..45 dB; no bias', () => {
  const rows: string[] = [];
  for (const bw of [100, 400])
    for (const snrDb of [25, 35, 45]) {
      const r = run(bw, snrDb, 300);
      const ratio = rms(r.toaErr) / r.crbToa;
      rows.push(`${bw} MHz, ${snrDb} dB: CRB ${(r.crbToa * 1e12).toFixed(2)} ps, measured ${(rms(r.toaErr) * 1e12).toFixed(2)} ps, ratio ${ratio.toFixed(2)}, bias ${(mean(r.toaErr) * 1e12).toFixed(2)} ps, false alarms ${r.falseAlarms}, missed ${r.missed}`);
      assert.ok(ratio > 1 && ratio < 2, rows.at(-1));
      assert.ok(Math.abs(mean(r.toaErr)) < (3 * rms(r.toaErr)) / Math.sqrt(r.toaErr.length) + 0.05 * r.crbToa, rows.at(-1));
      assert.ok(r.missed === 0 && r.falseAlarms <= 3, rows.at(-1));
    }
  console.log(rows.join('\n'));
});

test('AoA: azimuth and elevation standard deviations within [1, 2] x their Cramér-Rao bounds (total SNR 25..45 dB)', () => {
  const rows: string[] = [];
  for (const snrDb of [25, 35, 45]) {
    const r = run(400, snrDb, 300, 0.4, -0.05);
    const ra = rms(r.azErr) / r.crbAz, re = rms(r.elErr) / r.crbEl;
    rows.push(`${snrDb} dB: azimuth CRB ${((r.crbAz * 180) / Math.PI).toFixed(3)} deg ratio ${ra.toFixed(2)}; elevation CRB ${((r.crbEl * 180) / Math.PI).toFixed(3)} deg ratio ${re.toFixed(2)}`);
    assert.ok(ra > 1 && ra < 2 && re > 1 && re < 2, rows.at(-1));
  }
  console.log(rows.join('\n'));
});

test('RSRP: equals the ideal received power (P_UE g G, per RE x n) within 0.1 dB at high SNR', () => {
  for (const [az, el] of [[0.4, -0.05], [2.9, 0.2], [-1.3, -0.3]]) {
    const r = run(400, 60, 20, az, el);
    for (const db of r.rsrpDb) assert.ok(Math.abs(db) < 0.1, `RSRP - ideal ${db} dB at (${az}, ${el})`);
  }
});

test('two paths from one direction: closer than 1/B they merge into one biased ToA, 3/B apart the first is found', () => {
  const { cfg, est } = setup(400);
  const B = cfg.bandwidthHz, d = 100, az = 0.2, el = -0.03;
  const G = gainOf(0, dir(az, el));
  const g = (10 ** (50 / 10) * cfg.noiseReW) / (cfg.symbols * cfg.uePowerW * G); // 50 dB each
  const ch = new ChannelBuilder(), out = emptyMeasurement();
  const toaFor = (sepS: number) => {
    const errs: number[] = [];
    for (let k = 0; k < 20; k++) {
      // In phase at the carrier: their kernels add up between them.
      ch.reset().add(d / C, Math.sqrt(g), 0, az, el, 0).add(d / C + sepS, Math.sqrt(g), 0, az, el, 0);
      est.measure(ch, 0, calibrated, d / C, [7, k], out);
      errs.push(out.toaS - d / C);
    }
    return mean(errs);
  };
  const merged = toaFor(0.5 / B), apart = toaFor(3 / B);
  // Merged: the estimate sits between the two (about half way), far beyond the noise (~1 ps here).
  assert.ok(merged > 0.15 * (0.5 / B) && merged < 0.85 * (0.5 / B), `0.5/B apart: ToA - first ${merged * 1e9} ns`);
  assert.ok(Math.abs(apart) < 0.05 / B, `3/B apart: ToA - first ${apart * 1e9} ns`);
});

test('the manifold the estimators scan is the one the channel is built with (steering = sum of element gains)', () => {
  const re = new Float64Array(64), im = new Float64Array(64);
  steeringInto(manifold, 0, 0.4, -0.05, re, im);
  let g = 0;
  for (let i = 0; i < 64; i++) g += re[i] ** 2 + im[i] ** 2;
  assert.ok(Math.abs(10 * Math.log10(g / gainOf(0, dir(0.4, -0.05)))) < 0.01);
});
