import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { makeTracer, precomputeTracerSite, setSites, traceBlock, type TraceInput } from '../src/raytrace/engine/tracer.ts';
import { loadScenario } from '../src/scenario/load.ts';
import { rngFor } from '../src/util/rng.ts';
import { ROOT } from './fixtures/bad-inputs.ts';
import { loadDistrict } from './fixtures/district.ts';

// raytrace.max_range_m (src/raytrace/engine/range.ts): no path longer than R is traced, and each site keeps only the
// geometry within R. The culling must never lose a path the rule keeps. On a 150-building district (reflections,
// diffraction with RD/DR, diffuse scattering), with sites and radii drawn at random, the tracer with culling and
// without it give the same links and paths bit for bit; the specular paths are exactly those of the tracer without
// a radius that are no longer than R; a UE beyond R from a site hears nothing from it.

test('max_range_m: culling loses no path the radius keeps, on random sites and radii of a 150-building district', () => {
  const map = loadDistrict(150);
  const { raytrace } = loadScenario(path.join(ROOT, 'scenarios/smoke.yaml'));
  assert.ok(raytrace.scattering && raytrace.diffractionReflections, 'the smoke setup has scattering and RD/DR');
  const along = map.streets.flatMap((s) => s.centerline.slice(0, -1).map((p, k) => [(p[0] + s.centerline[k + 1][0]) / 2, (p[1] + s.centerline[k + 1][1]) / 2]));
  const rand = rngFor(11, 'range-test');
  const pick = () => along[Math.floor(rand() * along.length)];
  const rx = Float64Array.from(along.flatMap(([x, y]) => [x + 1.3, y - 0.7, 1.5]));
  const trace = (input: TraceInput, cull = true) => {
    const t = makeTracer(input, { cull });
    setSites(t, t.sites.map((_, i) => precomputeTracerSite(t, i)));
    return { t, out: traceBlock(t, rx, true) };
  };
  for (const R of [45 + 30 * rand(), 90 + 60 * rand()]) {
    const sites = [0, 1, 2].map((i) => {
      const [x, y] = pick();
      return { id: i + 1, x: x - 1.1, y: y + 0.9, z: 5, orientation: 2 * Math.PI * rand() };
    });
    const full = trace({ map, raytrace, sites });
    const culled = trace({ map, raytrace: { ...raytrace, maxRangeM: R }, sites });
    const kept = trace({ map, raytrace: { ...raytrace, maxRangeM: R }, sites }, false);
    const label = `R = ${R.toFixed(1)} m`;

    // The culling drops geometry (fewer image nodes, edges and lit tiles) and changes nothing.
    const size = (x: typeof full) => x.t.pre.reduce((a, p) => a + p.tree.count + p.edges!.seen.length + p.illumination!.count, 0);
    assert.ok(size(culled) < size(kept), `${label}: the culled sites keep less (${size(culled)} vs ${size(kept)})`);
    assert.deepEqual(culled.out.links, kept.out.links, label);
    assert.deepEqual(culled.out.paths, kept.out.paths, label);

    // The rule: the specular paths are the full tracer's no longer than R, in the same order; none is longer.
    const specular = (P: NonNullable<typeof full.out.paths>, within: number) =>
      P.link.flatMap((l, i) => (P.interactions[i].endsWith('S') || P.length_m[i] > within ? [] : [`${l} ${P.interactions[i]} ${P.vertices[i].join(',')}`]));
    const mine = specular(culled.out.paths!, Infinity);
    assert.deepEqual(mine, specular(full.out.paths!, R), label);
    assert.ok(mine.length > 0 && mine.length < specular(full.out.paths!, Infinity).length, `${label}: some specular paths kept, some dropped`);
    // A diffuse path shows its strongest tile; a far block of tiles is judged at its centre (within its 8 m x 8 m).
    culled.out.paths!.length_m.forEach((l, i) => assert.ok(l <= R + (culled.out.paths!.interactions[i].endsWith('S') ? 12 : 1e-9), `${label}: a path of ${l} m`));

    // A UE beyond R from a site hears nothing from it; links within R are heard as before or fewer paths.
    let beyond = 0;
    for (let r = 0; r < rx.length / 3; r++)
      sites.forEach((s, k) => {
        const row = r * sites.length + k;
        if (Math.hypot(rx[3 * r] - s.x, rx[3 * r + 1] - s.y, rx[3 * r + 2] - s.z) <= R) return assert.ok(culled.out.links.num_paths[row] <= full.out.links.num_paths[row]);
        beyond++;
        assert.equal(culled.out.links.num_paths[row], 0);
        assert.equal(culled.out.links.heard[row], 0);
      });
    assert.ok(beyond > 0 && beyond < rx.length, `${label}: ${beyond} links beyond R`);
  }
});
