import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeManifold, steeringInto } from '../src/channel/array.ts';
import { beamGain, makeArrayGain, steeredGainExact } from '../src/radio/antenna.ts';
import type { ArrayConfig } from '../src/scenario/config.ts';
import type { Vec3 } from '../src/scene/types.ts';

const spec: ArrayConfig = { columns: 16, rows: 4, spacingWavelengths: 0.5 };
const f = 28e9;
const RAD = Math.PI / 180;
const unit = (az: number, el: number): Vec3 => [Math.cos(el) * Math.cos(az), Math.cos(el) * Math.sin(az), Math.sin(el)];

test('per-element response: sum of |a_i|^2 is the matched-beam gain antenna.ts computes (exact and tabulated)', () => {
  const m = makeManifold(spec, f);
  const re = new Float64Array(64), im = new Float64Array(64);
  const table = makeArrayGain(spec, f);
  for (const [azDeg, elDeg, orient] of [[0, 0, 0], [11.25, 0, 0.3], [37, -20, 1.1], [200, 10, 0], [95, 60, 2.5], [-170, -45, 0.7]]) {
    steeringInto(m, orient, azDeg * RAD, elDeg * RAD, re, im);
    let g = 0;
    for (let i = 0; i < 64; i++) g += re[i] ** 2 + im[i] ** 2;
    const exact = steeredGainExact(spec, azDeg - orient / RAD, 90 - elDeg);
    assert.ok(Math.abs(10 * Math.log10(g / exact)) < 1e-9, `${azDeg}/${elDeg}: ${g} vs ${exact}`);
    assert.ok(Math.abs(10 * Math.log10(g / table(orient, unit(azDeg * RAD, elDeg * RAD)))) < 0.01);
  }
});

test('per-element response: a fixed beam w = a(u_s)/|a(u_s)| toward another direction gives beamGain (phases and positions)', () => {
  const m = makeManifold(spec, f);
  const ws = [new Float64Array(64), new Float64Array(64)], a = [new Float64Array(64), new Float64Array(64)];
  for (const [sAz, sEl, dAz, dEl, orient] of [[0, 0, 8, 0, 0], [30, -10, 45, 5, 0.4], [250, 20, 240, 30, 1.9], [90, 0, 270, 0, 0]]) {
    steeringInto(m, orient, sAz * RAD, sEl * RAD, ws[0], ws[1]);
    steeringInto(m, orient, dAz * RAD, dEl * RAD, a[0], a[1]);
    let re = 0, im = 0, n = 0;
    for (let i = 0; i < 64; i++) {
      re += ws[0][i] * a[0][i] + ws[1][i] * a[1][i];
      im += ws[0][i] * a[1][i] - ws[1][i] * a[0][i];
      n += ws[0][i] ** 2 + ws[1][i] ** 2;
    }
    const g = (re * re + im * im) / n;
    const ref = beamGain(spec, f, orient, unit(sAz * RAD, sEl * RAD), unit(dAz * RAD, dEl * RAD));
    assert.ok(Math.abs(g - ref) <= 1e-9 * Math.max(1, ref), `${sAz}->${dAz}: ${g} vs ${ref}`);
  }
});
