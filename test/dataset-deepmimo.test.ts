import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import AdmZip from 'adm-zip';
import { tableFromIPC } from 'apache-arrow';
import { parse as parseNpy } from 'npyjs';
import { type DeepMimoResult, runDeepMimoExport } from '../src/dataset/deepmimo/export.ts';
import { pathKind } from '../src/dataset/deepmimo/interactions.ts';
import type { Scenario } from '../src/scenario/load.ts';
import { UserError } from '../src/util/errors.ts';
import { smokeUpstream } from './fixtures/upstream.ts';

// `simgen export --deepmimo` read back with an independent zip reader (adm-zip, node's zlib) and an
// independent .npy parser (npyjs), checked value by value against paths.arrow and, for line-of-sight
// paths, against the geometry alone (delay = d / c; DeepMIMO angles: azimuth from +x, zenith angle).

const C = 299792458;
const MAX_PATHS = 25;
const MATRICES = ['power', 'phase', 'delay', 'aoa_az', 'aoa_el', 'aod_az', 'aod_el', 'inter', 'inter_pos', 'rx_pos', 'tx_pos'];
// The fields of DeepMIMO's dataclasses, which it rebuilds with Class(**dict) (deepmimo/core/txrx.py, core/materials.py).
const TXRX_FIELDS = ['name', 'id_orig', 'id', 'is_tx', 'is_rx', 'num_points', 'num_active_points', 'num_ant', 'dual_pol', 'ant_rel_positions', 'array_orientation', 'grid_spacing'];
const MATERIAL_FIELDS = ['id', 'name', 'permittivity', 'conductivity', 'scattering_model', 'scattering_coefficient', 'cross_polarization_coefficient', 'alpha_r', 'alpha_i', 'lambda_param', 'roughness', 'thickness', 'vertical_attenuation', 'horizontal_attenuation', 'itu_a', 'itu_b', 'itu_c', 'itu_d'];

interface Npy { data: Float32Array | Int32Array; shape: number[]; dtype: string }

/** The one array of a DeepMIMO .npz, read with adm-zip + npyjs; the entry must be `<key>.npy`. */
function readNpz(file: string, key: string): Npy {
  const entries = new AdmZip(file).getEntries();
  assert.deepEqual(entries.map((e) => e.entryName), [`${key}.npy`], `${path.basename(file)} holds ${key}.npy alone`);
  const bytes = entries[0].getData();
  const a = parseNpy(new Uint8Array(bytes).buffer);
  assert.equal(a.fortranOrder, false);
  return a as unknown as Npy;
}

const fileOf = (key: string, tx: number) => `${key}_t000_tx${String(tx).padStart(3, '0')}_r001.npz`;

let scenario: Scenario;
let outDir: string;
let dir: string;
let result: DeepMimoResult;

before(async () => {
  ({ scenario, outDir } = await smokeUpstream({ paths: true }));
  result = await runDeepMimoExport(scenario, outDir, { quiet: true });
  dir = result.dir;
});
after(() => fs.rmSync(outDir, { recursive: true, force: true }));

test('interaction codes: one digit per interaction from the site, any mix of L, R, D, S', () => {
  const cases: [string, number][] = [['LOS', 0], ['R', 1], ['D', 2], ['S', 3], ['RR', 11], ['RD', 12], ['DR', 21], ['RDR', 121], ['RS', 13], ['RRS', 113], ['RRR', 111]];
  for (const [label, code] of cases) assert.deepEqual(pathKind(label, 'test'), { code, depth: label === 'LOS' ? 0 : label.length }, label);
  assert.throws(() => pathKind('RX', 'paths.arrow row 7'), (e: Error) => e instanceof UserError && /row 7: interaction "X" in "RX"/.test(e.message));
});

test('deepmimo export: params.json, scene and one .npz per matrix and site, named as DeepMIMO names them', () => {
  const links = tableFromIPC(fs.readFileSync(path.join(outDir, 'links.arrow')));
  const sites = (JSON.parse(links.schema.metadata.get('sites')!) as { id: number; x: number; y: number; z: number }[]).sort((a, b) => a.id - b.id);
  const nr = links.numRows / sites.length;
  const expected = [...sites.flatMap((_, s) => MATRICES.map((k) => fileOf(k, s))), 'objects.json', 'params.json', 'simgen_receivers.npz', 'vertices.npz'].sort();
  assert.deepEqual(fs.readdirSync(dir).sort(), expected);
  assert.equal(path.basename(dir), scenario.name.toLowerCase());

  const params = JSON.parse(fs.readFileSync(path.join(dir, 'params.json'), 'utf8'));
  assert.deepEqual(Object.keys(params).sort(), ['materials', 'rt_params', 'scene', 'txrx_sets', 'version']);
  assert.equal(params.rt_params.frequency, scenario.raytrace.carrierFreqHz);
  assert.equal(params.rt_params.max_reflections, scenario.raytrace.maxReflectionOrder);
  assert.equal(params.rt_params.max_diffractions, 1);
  const [tx, rx] = [params.txrx_sets.txrx_set_0, params.txrx_sets.txrx_set_1];
  for (const set of [tx, rx]) assert.deepEqual(Object.keys(set).sort(), [...TXRX_FIELDS].sort());
  assert.deepEqual([tx.id, tx.is_tx, tx.is_rx, tx.num_points], [0, true, false, sites.length]);
  assert.deepEqual([rx.id, rx.is_tx, rx.is_rx, rx.num_points], [1, false, true, nr]);
  const materials = Object.values(params.materials) as Record<string, unknown>[];
  assert.deepEqual(materials.map((m) => m.name), ['brick', 'concrete', 'glass']);
  for (const m of materials) assert.deepEqual(Object.keys(m).sort(), [...MATERIAL_FIELDS].sort());
  // concrete at 28 GHz (ITU-R P.2040): eps' = 5.24, sigma = 0.0462 * 28^0.7822 S/m.
  const concrete = materials.find((m) => m.name === 'concrete')!;
  assert.equal(concrete.permittivity, 5.24);
  assert.ok(Math.abs((concrete.conductivity as number) - 0.0462 * 28 ** 0.7822) < 1e-12);

  // Scene: objects.json indexes vertices.npz; counts as in params.scene.
  const objects = JSON.parse(fs.readFileSync(path.join(dir, 'objects.json'), 'utf8')) as { label: string; face_vertex_idxs: number[][]; face_material_idxs: number[] }[];
  const vertices = readNpz(path.join(dir, 'vertices.npz'), 'vertices');
  assert.equal(vertices.dtype, 'f4');
  assert.deepEqual(params.scene, {
    num_scenes: 1,
    n_objects: objects.length,
    n_vertices: vertices.shape[0],
    n_faces: objects.reduce((n, o) => n + o.face_vertex_idxs.length, 0),
    n_triangular_faces: objects.reduce((n, o) => n + o.face_vertex_idxs.reduce((t, f) => t + f.length - 2, 0), 0),
  });
  assert.equal(objects.filter((o) => o.label === 'buildings').length, scenario.map.buildings.length);
  assert.equal(objects.filter((o) => o.label === 'terrain').length, 1);
  for (const o of objects) for (const f of o.face_vertex_idxs) assert.ok(f.every((i) => i >= 0 && i < vertices.shape[0]));
  for (const o of objects) for (const m of o.face_material_idxs) assert.ok(m >= 0 && m < materials.length);
});

test('deepmimo matrices read back: strongest 25 paths of each link, DeepMIMO units and angle conventions', () => {
  const links = tableFromIPC(fs.readFileSync(path.join(outDir, 'links.arrow')));
  const paths = tableFromIPC(fs.readFileSync(path.join(outDir, 'paths.arrow')));
  const sites = (JSON.parse(links.schema.metadata.get('sites')!) as { id: number; x: number; y: number; z: number }[]).sort((a, b) => a.id - b.id);
  const ns = sites.length;
  const nr = links.numRows / ns;
  const col = (t: typeof paths, name: string) => t.getChild(name)!.toArray() as ArrayLike<number>;
  const lx = col(links, 'x'), ly = col(links, 'y'), lz = col(links, 'z');
  const pSite = col(paths, 'site_id'), pTid = col(paths, 'trajectory_id'), pSmp = col(paths, 'sample');
  const gain = col(paths, 'path_gain_db'), re = col(paths, 'amplitude_re'), im = col(paths, 'amplitude_im'), delayNs = col(paths, 'delay_ns');
  const aoaAz = col(paths, 'aoa_azimuth_deg'), aoaEl = col(paths, 'aoa_elevation_deg'), aodAz = col(paths, 'aod_azimuth_deg'), aodEl = col(paths, 'aod_elevation_deg');
  const labels = paths.getChild('interactions')!.toArray() as string[];
  const verts = Array.from({ length: paths.numRows }, (_, i) => Array.from(paths.getChild('vertices')!.get(i)! as ArrayLike<number>));
  const digits: Record<string, number> = { R: 1, D: 2, S: 3 };
  const f32 = Math.fround;

  // paths.arrow rows of each (receiver, site), by the links' (trajectory_id, sample) order.
  const tid = col(links, 'trajectory_id'), smp = col(links, 'sample');
  const receiverOf = new Map<string, number>();
  for (let r = 0; r < nr; r++) receiverOf.set(`${tid[r * ns]}:${smp[r * ns]}`, r);
  const byLink = new Map<number, number[]>();
  for (let i = 0; i < paths.numRows; i++) {
    const link = receiverOf.get(`${pTid[i]}:${pSmp[i]}`)! * ns + sites.findIndex((s) => s.id === pSite[i]);
    byLink.set(link, [...(byLink.get(link) ?? []), i]);
  }

  let checked = 0, los = 0, cut = 0;
  for (let s = 0; s < ns; s++) {
    const m = Object.fromEntries(MATRICES.map((k) => [k, readNpz(path.join(dir, fileOf(k, s)), k)]));
    for (const k of MATRICES) assert.equal(m[k].dtype, 'f4', `${k} is float32`);
    for (const k of ['power', 'phase', 'delay', 'aoa_az', 'aoa_el', 'aod_az', 'aod_el', 'inter']) assert.deepEqual(m[k].shape, [nr, MAX_PATHS], k);
    const I = m.inter_pos.shape[2];
    assert.deepEqual(m.inter_pos.shape, [nr, MAX_PATHS, I, 3]);
    assert.deepEqual(m.rx_pos.shape, [nr, 3]);
    assert.deepEqual(Array.from(m.tx_pos.data), [sites[s].x, sites[s].y, sites[s].z].map(f32));
    for (let r = 0; r < nr; r++) {
      assert.deepEqual(Array.from(m.rx_pos.data.subarray(3 * r, 3 * r + 3)), [lx[r * ns], ly[r * ns], lz[r * ns]].map(f32));
      const rows = [...(byLink.get(r * ns + s) ?? [])].sort((a, b) => gain[b] - gain[a] || a - b);
      if (rows.length > MAX_PATHS) cut++;
      for (let k = 0; k < MAX_PATHS; k++) {
        const at = r * MAX_PATHS + k;
        const row = rows[k];
        if (row === undefined) {
          for (const key of ['power', 'phase', 'delay', 'aoa_az', 'aoa_el', 'aod_az', 'aod_el', 'inter']) assert.ok(Number.isNaN(m[key].data[at]), `${key} NaN past the last path`);
          continue;
        }
        const label = labels[row];
        const depth = label === 'LOS' ? 0 : label.length;
        assert.equal(m.power.data[at], f32(gain[row]));
        assert.equal(m.phase.data[at], f32((Math.atan2(im[row], re[row]) * 180) / Math.PI));
        assert.equal(m.delay.data[at], f32(delayNs[row] * 1e-9));
        // The site transmits: departure at the site, arrival at the UE; DeepMIMO elevations are zenith angles.
        assert.equal(m.aod_az.data[at], f32(aoaAz[row]));
        assert.equal(m.aod_el.data[at], f32(90 - aoaEl[row]));
        assert.equal(m.aoa_az.data[at], f32(aodAz[row]));
        assert.equal(m.aoa_el.data[at], f32(90 - aodEl[row]));
        assert.equal(m.inter.data[at], label === 'LOS' ? 0 : Number([...label].map((c) => digits[c]).join('')));
        for (let i = 0; i < I; i++)
          for (let c = 0; c < 3; c++) {
            const v = m.inter_pos.data[(at * I + i) * 3 + c];
            if (i < depth) assert.equal(v, f32(verts[row][3 + 3 * i + c]));
            else assert.ok(Number.isNaN(v));
          }
        if (label === 'LOS') {
          // Geometry alone: tx -> rx direction and distance.
          const d = [lx[r * ns] - sites[s].x, ly[r * ns] - sites[s].y, lz[r * ns] - sites[s].z];
          const dist = Math.hypot(...d);
          assert.ok(Math.abs(m.delay.data[at] - dist / C) < 1e-12, 'LOS delay = d / c');
          const az = (v: number[]) => ((Math.atan2(v[1], v[0]) * 180) / Math.PI + 360) % 360;
          const zenith = (v: number[]) => (Math.acos(v[2] / dist) * 180) / Math.PI;
          const angleDiff = (a: number, b: number) => Math.abs(((a - b + 540) % 360) - 180);
          assert.ok(angleDiff(m.aod_az.data[at], az(d)) < 1e-3 && Math.abs(m.aod_el.data[at] - zenith(d)) < 1e-3, 'LOS departure angles');
          const back = d.map((x) => -x);
          assert.ok(angleDiff(m.aoa_az.data[at], az(back)) < 1e-3 && Math.abs(m.aoa_el.data[at] - zenith(back)) < 1e-3, 'LOS arrival angles');
          assert.equal(k, 0, 'the LOS path is the strongest (DeepMIMO reads LOS from the first path)');
          los++;
        }
        checked++;
      }
    }
  }
  assert.ok(checked > 1000 && los > 10, `enough paths checked (${checked}, ${los} LOS)`);
  assert.deepEqual([result.pathsKept, result.linksCut, result.paths], [checked, cut, paths.numRows]);
});

test('deepmimo export: same inputs -> same bytes; no paths.arrow -> one clear error and nothing written', async () => {
  const hash = (f: string) => crypto.createHash('sha256').update(fs.readFileSync(path.join(dir, f))).digest('hex');
  const files = fs.readdirSync(dir).sort();
  const before = files.map(hash);
  await runDeepMimoExport(scenario, outDir, { quiet: true });
  assert.deepEqual(fs.readdirSync(dir).sort(), files);
  assert.deepEqual(files.map(hash), before);

  const bare = fs.mkdtempSync(path.join(outDir, 'bare-'));
  fs.copyFileSync(path.join(outDir, 'links.arrow'), path.join(bare, 'links.arrow'));
  await assert.rejects(() => runDeepMimoExport(scenario, bare, { quiet: true }), (e: Error) => e instanceof UserError && /paths\.arrow not found; run "simgen raytrace --paths"/.test(e.message));
  assert.deepEqual(fs.readdirSync(bare), ['links.arrow']);
});
