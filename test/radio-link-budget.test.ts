import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromDb, fsplDb, quantizeAngleDeg, toDb, umiLosPathLossDb, umiNlosPathLossDb } from '../src/radio/link-budget.ts';

test('FSPL = 20 log10 d + 20 log10 f - 147.55 (61.39 dB at 1 m, 28 GHz)', () => {
  for (const d of [1, 10, 100, 500]) assert.ok(Math.abs(fsplDb(d, 28e9) - (20 * Math.log10(d) + 61.39)) < 0.005);
  assert.ok(Math.abs(fsplDb(1000, 2.4e9) - (60 + 20 * Math.log10(2.4e9) - 147.55)) < 0.005);
  assert.equal(toDb(100), 20);
  assert.ok(Math.abs(fromDb(-30) - 1e-3) < 1e-18);
});

test('TR 38.901 UMi street canyon LOS/NLOS at 28 GHz, hBS 5 m, hUT 1.5 m', () => {
  const f = 28e9;
  // Below the breakpoint d'BP = 4 (5 - 1)(1.5 - 1) 28e9 / c = 747 m: 32.4 + 21 log10 d + 20 log10 28.
  assert.ok(Math.abs(umiLosPathLossDb(100, f, 5, 1.5) - (32.4 + 42 + 20 * Math.log10(28))) < 1e-9);
  const dbp = (4 * 4 * 0.5 * f) / 299792458;
  const d3 = (d2: number) => Math.hypot(d2, 3.5);
  // Continuous at the breakpoint (within 0.05 dB), 40 log10 slope beyond it.
  assert.ok(Math.abs(umiLosPathLossDb(d3(dbp - 1e-6), f, 5, 1.5) - umiLosPathLossDb(d3(dbp + 1e-6), f, 5, 1.5)) < 0.05);
  assert.ok(Math.abs(umiLosPathLossDb(d3(2000), f, 5, 1.5) - umiLosPathLossDb(d3(1000), f, 5, 1.5) - 40 * Math.log10(d3(2000) / d3(1000))) < 1e-9);
  // NLOS: 35.3 log10 d + 22.4 + 21.3 log10 28 at 100 m, never below LOS.
  assert.ok(Math.abs(umiNlosPathLossDb(100, f, 5, 1.5) - (70.6 + 22.4 + 21.3 * Math.log10(28))) < 1e-9);
  for (const d of [10, 50, 200, 1000, 3000]) assert.ok(umiNlosPathLossDb(d, f, 5, 1.5) >= umiLosPathLossDb(d, f, 5, 1.5));
  assert.ok(umiNlosPathLossDb(100, f, 5, 2.5) < umiNlosPathLossDb(100, f, 5, 1.5)); // -0.3 (hUT - 1.5)
});

test('AoA quantisation at bin edges: nearest multiple, ties round up, azimuth wrapped to [0, 360), elevation clamped', () => {
  const az = (a: number) => quantizeAngleDeg(a, 20, true);
  assert.equal(az(9.99), 0);
  assert.equal(az(10), 20);
  assert.equal(az(29.99), 20);
  assert.equal(az(359), 0);
  assert.equal(az(350), 0); // tie at the wrap rounds up to 360 -> 0
  assert.equal(az(349.99), 340);
  assert.equal(az(-10.01), 340);
  assert.ok(Object.is(az(-10), 0)); // -0.5 bin rounds up to 0, and never -0
  assert.equal(az(725), 0);
  const el = (a: number) => quantizeAngleDeg(a, 20, false);
  assert.equal(el(-9.99), 0);
  assert.ok(Object.is(el(-10), 0));
  assert.equal(el(-10.01), -20);
  assert.equal(el(89), 80);
  assert.equal(el(90), 90); // 100 clamped
  assert.equal(el(-90), -80); // -90 / 20 = -4.5 rounds up to -80
  assert.equal(quantizeAngleDeg(44, 15, true), 45);
});
