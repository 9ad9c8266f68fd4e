import assert from 'node:assert/strict';
import { test } from 'node:test';
import { INSITE_DEFAULT_SCATTERING, ITU_MATERIALS, relativePermittivity, type ScatteringParams } from '../src/map/materials.ts';
import { fresnel } from '../src/radio/fresnel.ts';
import { lobeIntegral, patternNormalization, polarizationShare, scatteringPattern } from '../src/radio/scattering.ts';

// The effective-roughness model's patterns and power balance (src/radio/scattering.ts) against quadrature.

const F = 28e9;

/** Midpoint quadrature over the hemisphere around n = +z of g(k_s), with k_s = (sin t cos p, sin t sin p, cos t). */
function hemisphere(g: (ks: number[]) => number, nt = 400, np = 800): number {
  let sum = 0;
  for (let i = 0; i < nt; i++) {
    const t = ((i + 0.5) / nt) * (Math.PI / 2);
    for (let j = 0; j < np; j++) {
      const p = ((j + 0.5) / np) * 2 * Math.PI;
      sum += g([Math.sin(t) * Math.cos(p), Math.sin(t) * Math.sin(p), Math.cos(t)]) * Math.sin(t);
    }
  }
  return sum * (Math.PI / 2 / nt) * ((2 * Math.PI) / np);
}

const incident = (thetaDeg: number) => {
  const t = (thetaDeg * Math.PI) / 180;
  return [Math.sin(t), 0, -Math.cos(t)]; // propagation direction toward the surface z = 0
};

const PATTERNS: [string, ScatteringParams][] = [
  ['lambertian', { ...INSITE_DEFAULT_SCATTERING, pattern: 'lambertian' }],
  ['directive alpha 1', { ...INSITE_DEFAULT_SCATTERING, pattern: 'directive', alphaR: 1 }],
  ['directive alpha 4', { ...INSITE_DEFAULT_SCATTERING, pattern: 'directive', alphaR: 4 }],
  ['directive alpha 10 (Sionna street canyon)', { ...INSITE_DEFAULT_SCATTERING, pattern: 'directive', alphaR: 10 }],
  ['backscatter 4/4/0.75 (InSite default)', INSITE_DEFAULT_SCATTERING],
  ['backscatter 10/2/0.5', { ...INSITE_DEFAULT_SCATTERING, alphaR: 10, alphaI: 2, lambda: 0.5 }],
];

test('every scattering pattern integrates to 1 over the hemisphere, at any incidence', () => {
  for (const [name, p] of PATTERNS)
    for (const th of [0, 20, 45, 70, 89]) {
      const ki = incident(th);
      const total = hemisphere((ks) => scatteringPattern(p, ki, ks, [0, 0, 1]));
      assert.ok(Math.abs(total - 1) < 2e-4, `${name} at ${th} deg: ${total}`);
    }
});

test('F_alpha closed form equals the hemisphere integral of the lobe', () => {
  for (const alpha of [1, 2, 3, 4, 7, 10, 20])
    for (const th of [0, 30, 60, 85]) {
      const ki = incident(th);
      const c = Math.cos((th * Math.PI) / 180);
      const kr = [ki[0], ki[1], -ki[2]];
      const num = hemisphere((ks) => (0.5 * (1 + kr[0] * ks[0] + kr[1] * ks[1] + kr[2] * ks[2])) ** alpha);
      assert.ok(Math.abs(lobeIntegral(alpha, c) / num - 1) < 2e-4, `alpha ${alpha} at ${th} deg: ${lobeIntegral(alpha, c)} vs ${num}`);
    }
  // Normal incidence, alpha 1: the lobe (1 + cos t) / 2 integrates to 2 pi (1/2 + 1/4) = 3 pi / 2.
  assert.ok(Math.abs(lobeIntegral(1, 1) - 1.5 * Math.PI) < 1e-12);
  assert.equal(patternNormalization({ ...INSITE_DEFAULT_SCATTERING, pattern: 'lambertian' }, 0.3), 1 / Math.PI);
});

test('directive lobe peaks in the specular direction, backscatter lobe toward the source', () => {
  const ki = incident(40);
  const kr = [ki[0], ki[1], -ki[2]];
  const back = [-ki[0], -ki[1], -ki[2]];
  const dir: ScatteringParams = { ...INSITE_DEFAULT_SCATTERING, pattern: 'directive', alphaR: 10 };
  const nrm = [0, 0, 1];
  assert.ok(scatteringPattern(dir, ki, kr, nrm) > 10 * scatteringPattern(dir, ki, back, nrm));
  const bs: ScatteringParams = { ...INSITE_DEFAULT_SCATTERING, alphaR: 10, alphaI: 10, lambda: 0.3 };
  assert.ok(scatteringPattern(bs, ki, back, nrm) > scatteringPattern(bs, ki, kr, nrm));
  // Nothing is scattered into the surface.
  assert.equal(scatteringPattern(INSITE_DEFAULT_SCATTERING, ki, [0.6, 0, -0.8], nrm), 0);
});

test('power balance on every material: specular + scattered <= incident (scattered exactly S^2 Gamma^2, specular (1 - S^2) Gamma^2)', () => {
  const angles = [0, 30, 60, 85];
  const integral = PATTERNS.map(([, p]) => angles.map((th) => hemisphere((ks) => scatteringPattern(p, incident(th), ks, [0, 0, 1]), 90, 180)));
  for (const m of Object.values(ITU_MATERIALS)) {
    if (m.name === 'vacuum') continue;
    const eta = relativePermittivity(m, Math.min(Math.max(F, m.fMinGHz * 1e9), m.fMaxGHz * 1e9));
    for (const S of [0, 0.4, 1 / Math.sqrt(3), 1])
      for (const [a, th] of angles.entries())
        for (const [i] of PATTERNS.entries()) {
          const { te, tm } = fresnel(eta, (th * Math.PI) / 180);
          for (const gamma2 of [te[0] ** 2 + te[1] ** 2, tm[0] ** 2 + tm[1] ** 2]) {
            const specular = (1 - S * S) * gamma2; // |R r|^2 of field.ts
            const scattered = S * S * gamma2 * integral[i][a];
            assert.ok(specular + scattered <= 1 + 1e-3, `${m.name} S ${S} at ${th}: ${specular} + ${scattered}`);
            assert.ok(Math.abs(specular + scattered - gamma2) < 3e-3 * gamma2 + 1e-12, `${m.name}: the reflected power is split, not lost`);
          }
        }
  }
});

test('cross-polarisation: K_x moves power to the other polarisation, never creates it', () => {
  assert.equal(polarizationShare(0, 1), 1);
  assert.equal(polarizationShare(0.4, 1), 0.6);
  assert.equal(polarizationShare(0.4, 0), 0.4);
  for (const kx of [0, 0.25, 0.5, 1]) for (const c of [0, 0.3, 1]) assert.ok(Math.abs(polarizationShare(kx, c) + polarizationShare(kx, 1 - c) - 1) < 1e-15);
});
