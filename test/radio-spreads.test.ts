import { test } from 'node:test';
import assert from 'node:assert/strict';
import { angularSpreadDeg, rmsDelaySpread } from '../src/radio/spreads.ts';

const near = (a: number, b: number, tol: number, what: string) => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

test('RMS delay spread: two paths by hand, one path 0, no power NaN', () => {
  // Equal powers at 100 and 120 ns: mean 110, deviations +-10 -> 10 ns.
  near(rmsDelaySpread([1, 1], [100, 120]), 10, 1e-12, 'equal');
  // Powers 3:1 at 0 and 40 ns: mean 10, variance (3 * 100 + 900) / 4 = 300 -> 17.3205 ns.
  near(rmsDelaySpread([3, 1], [0, 40]), Math.sqrt(300), 1e-12, '3:1');
  // The same spread 1 us later: no cancellation at absolute delays of microseconds.
  near(rmsDelaySpread([3, 1], [1000e-9, 1040e-9]), Math.sqrt(300) * 1e-9, 1e-21, 'offset, seconds');
  assert.equal(rmsDelaySpread([2], [55]), 0);
  assert.ok(Number.isNaN(rmsDelaySpread([0, 0], [1, 2])));
});

test('angular spread (TR 38.901 A.1): two equal paths 20 deg apart = sqrt(-2 ln cos 10 deg), the same across +-180 deg', () => {
  const twoPaths = (Math.sqrt(-2 * Math.log(Math.cos((10 * Math.PI) / 180))) * 180) / Math.PI; // 10.0256 deg
  near(twoPaths, 10.02556, 1e-5, 'hand value');
  near(angularSpreadDeg([1, 1], [10, 30]), twoPaths, 1e-9, '10/30');
  near(angularSpreadDeg([1, 1], [170, -170]), twoPaths, 1e-9, '170/-170 (wrapped)');
  near(angularSpreadDeg([1, 1], [350, 10]), twoPaths, 1e-9, '350/10 (0..360)');
  // Unequal powers 3:1 at 0 and 40 deg: |3 + e^{j40}| / 4 = 0.955127 -> sqrt(-2 ln 0.955127) = 0.30302 rad = 17.362 deg.
  const r = Math.hypot(3 + Math.cos((40 * Math.PI) / 180), Math.sin((40 * Math.PI) / 180)) / 4;
  near(r, 0.955127, 1e-6, 'resultant');
  near(angularSpreadDeg([3, 1], [0, 40]), 17.362, 1e-3, '3:1 hand value');
  near(angularSpreadDeg([3, 1], [0, 40]), (Math.sqrt(-2 * Math.log(r)) * 180) / Math.PI, 1e-9, '3:1');
  near(angularSpreadDeg([3, 1], [-160, 160]), (Math.sqrt(-2 * Math.log(r)) * 180) / Math.PI, 1e-9, '3:1 across 180');
  // Small spreads: the RMS of the deviations (here 1 deg) to second order.
  near(angularSpreadDeg([1, 1], [44, 46]), 1, 1e-4, 'small');
  assert.equal(angularSpreadDeg([5], [123]), 0);
  assert.equal(angularSpreadDeg([1, 1], [0, 180]), Infinity); // opposite directions: no mean direction
});
