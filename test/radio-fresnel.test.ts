import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fresnel } from '../src/radio/fresnel.ts';
import { ITU_MATERIALS, relativePermittivity } from '../src/map/materials.ts';

const abs = ([r, i]: [number, number]) => Math.hypot(r, i);
const concrete = relativePermittivity(ITU_MATERIALS.concrete, 28e9);

/** Complex sqrt (principal branch) and (1 - w)/(1 + w), the normal-incidence closed form. */
function normalIncidence([er, ei]: [number, number]): [number, number] {
  const m = Math.hypot(er, ei);
  const wr = Math.sqrt((m + er) / 2), wi = Math.sign(ei) * Math.sqrt((m - er) / 2);
  const dr = 1 + wr, di = wi, q = dr * dr + di * di;
  return [((1 - wr) * dr - wi * di) / q, (-wi * dr - (1 - wr) * di) / q];
}

test('normal incidence: r_TE = (1 - sqrt eta)/(1 + sqrt eta); r_TM = -r_TE (same reflected field, P.2040 sign convention)', () => {
  for (const eta of [concrete, relativePermittivity(ITU_MATERIALS.glass, 28e9), [4, 0] as [number, number]]) {
    const r = fresnel(eta, 0);
    const ref = normalIncidence(eta);
    assert.ok(Math.abs(r.te[0] - ref[0]) < 1e-12 && Math.abs(r.te[1] - ref[1]) < 1e-12);
    assert.ok(Math.abs(r.tm[0] + ref[0]) < 1e-12 && Math.abs(r.tm[1] + ref[1]) < 1e-12);
  }
  // Lossless eps = 4: |r| = (2 - 1)/(2 + 1).
  assert.ok(Math.abs(abs(fresnel([4, 0], 0).te) - 1 / 3) < 1e-12);
});

test('grazing incidence: r_TE and r_TM -> -1', () => {
  const r = fresnel(concrete, Math.PI / 2 - 1e-7);
  for (const c of [r.te, r.tm]) assert.ok(Math.abs(c[0] + 1) < 1e-5 && Math.abs(c[1]) < 1e-5, `${c}`);
  const g = fresnel(concrete, Math.PI / 2);
  for (const c of [g.te, g.tm]) assert.ok(Math.abs(c[0] + 1) < 1e-7 && Math.abs(c[1]) < 1e-7, `${c}`);
});

test('lossless dielectric: r_TM = 0 at the Brewster angle atan(sqrt eps), and not at 1 deg off', () => {
  for (const eps of [2, 5.24, 9]) {
    const tb = Math.atan(Math.sqrt(eps));
    assert.ok(abs(fresnel([eps, 0], tb).tm) < 1e-12);
    assert.ok(abs(fresnel([eps, 0], tb + Math.PI / 180).tm) > 1e-3);
    assert.ok(abs(fresnel([eps, 0], tb).te) > 0.1);
  }
});

test('|r| <= 1 for every P.2040 material at every angle (lossy: passive)', () => {
  for (const m of Object.values(ITU_MATERIALS))
    for (const f of [1e9, 10e9, 28e9, 60e9]) {
      const eta = relativePermittivity(m, f);
      for (let deg = 0; deg <= 90; deg += 0.5) {
        const r = fresnel(eta, (deg * Math.PI) / 180);
        assert.ok(abs(r.te) <= 1 + 1e-12 && abs(r.tm) <= 1 + 1e-12, `${m.name} ${f} ${deg}`);
      }
    }
  // A near perfect conductor: r_TE -> -1, r_TM -> +1 (tangential E vanishes on the surface).
  const r = fresnel(relativePermittivity(ITU_MATERIALS.metal, 28e9), 0.6);
  assert.ok(Math.abs(r.te[0] + 1) < 1e-3 && Math.abs(r.tm[0] - 1) < 1e-3);
});
