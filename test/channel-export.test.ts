import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { makeManifold, steeringInto } from '../src/channel/array.ts';
import { runMeasure } from '../src/measure/run.ts';
import { runTrajectories } from '../src/mobility/trajectories.ts';
import { runRaytrace } from '../src/raytrace/index.ts';
import { loadScenario } from '../src/scenario/load.ts';
import { readArrowFile } from '../src/util/arrow.ts';
import { ROOT } from './fixtures/bad-inputs.ts';
import { simgen } from './fixtures/cli.ts';

// `simgen channels` on the smoke nr-srs scenario: the written channels against what the measure stage used
// (measurements.arrow's counts and ideal values) and against what the ray tracer found (paths.arrow's specular
// paths and diffuse power), the frequency response against the components and the file's metadata, the same bytes
// twice, and every refusal (size, bad flags) with exit code 2 and nothing written.

const SCENARIO = path.join(ROOT, 'scenarios/smoke-nr-srs.yaml');
const scenario = loadScenario(SCENARIO);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simgen-channels-'));
const ready = (async () => {
  await runTrajectories(scenario, dir, { quiet: true });
  await runRaytrace(scenario, dir, { threads: 1, quiet: true, paths: true });
  await runMeasure(scenario, dir, { jobs: 1, quiet: true });
})();

/** A fresh folder holding only the trajectories (for runs that must write nothing, and the reruns). */
async function folderWithTrajectories(): Promise<string> {
  await ready;
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'simgen-channels-'));
  fs.copyFileSync(path.join(dir, 'trajectories.arrow'), path.join(d, 'trajectories.arrow'));
  return d;
}

const channels = (out: string, ...flags: string[]) => simgen('channels', '--scenario', SCENARIO, '--out', out, '--quiet', ...flags);
const linkKey = (r: { trajectory_id: number; sample: number; site_id: number }) => `${r.trajectory_id}/${r.sample}/${r.site_id}`;
type Row = Record<string, unknown> & { trajectory_id: number; sample: number; site_id: number };
const rowsOf = (file: string) => readArrowFile(file).toArray().map((r) => r.toJSON() as Row);
const list = (r: Row, name: string) => Array.from((r[name] as { toArray(): ArrayLike<number> }).toArray());
const isDiffusePath = (interactions: string) => interactions !== 'LOS' && interactions.endsWith('S');

const selected = (async () => {
  const out = await folderWithTrajectories();
  const r = await channels(out, '--tracks', '0,2', '--samples', '5-9');
  assert.equal(r.code, 0, r.stderr);
  return path.join(out, 'channels.arrow');
})();

test('channels.arrow: one row per selected link, as the measure stage built and measured it', async () => {
  const file = await selected;
  const rows = rowsOf(file);
  assert.equal(rows.length, 2 * 5 * 18);
  assert.deepEqual(rows.slice(0, 19).map(linkKey), [...Array.from({ length: 18 }, (_, s) => `0/5/${s + 1}`), '0/6/1']);
  const measured = new Map(rowsOf(path.join(dir, 'measurements.arrow')).map((r) => [linkKey(r), r]));
  const links = new Map(rowsOf(path.join(dir, 'links.arrow')).map((r) => [linkKey(r), r]));
  for (const r of rows) {
    const m = measured.get(linkKey(r))!, l = links.get(linkKey(r))!;
    for (const c of ['specular_paths', 'diffuse_clusters', 'los', 'los_delay_ns', 'ideal_heard', 'ideal_rx_power_dbm', 'ideal_tof_ns']) assert.equal(r[c], m[c], `${linkKey(r)} ${c}`);
    assert.equal(r.ideal_rx_power_dbm, l.rx_power_dbm, linkKey(r));
    const kinds = list(r, 'kind');
    assert.equal(kinds.length, (r.specular_paths as number) + (r.diffuse_clusters as number));
    for (const c of ['delay_ns', 'amplitude_re', 'amplitude_im', 'azimuth_deg', 'elevation_deg', 'doppler_hz']) assert.equal(list(r, c).length, kinds.length, c);
    assert.ok(kinds.every((k, i) => (i < (r.specular_paths as number) ? k === 0 : k === 1 || k === 2)), `${linkKey(r)}: specular paths first, then clusters`);
  }
});

test('channels.arrow: the specular components are paths.arrow\'s paths; the diffuse clusters carry its diffuse power', async () => {
  const rows = rowsOf(await selected);
  const paths = new Map<string, Row[]>();
  for (const p of rowsOf(path.join(dir, 'paths.arrow'))) paths.set(linkKey(p), [...(paths.get(linkKey(p)) ?? []), p]);
  let clusterPower = 0, diffuseGain = 0, compared = 0;
  for (const r of rows) {
    const all = paths.get(linkKey(r)) ?? [];
    const specular = all.filter((p) => !isDiffusePath(p.interactions as string));
    assert.equal(specular.length, r.specular_paths, linkKey(r));
    const [delay, re, im, az, el] = ['delay_ns', 'amplitude_re', 'amplitude_im', 'azimuth_deg', 'elevation_deg'].map((c) => list(r, c));
    specular.forEach((p, i) => {
      const at = `${linkKey(r)} path ${i} (${p.interactions})`;
      assert.ok(Math.abs(delay[i] - (p.delay_ns as number)) < 1e-9, at);
      assert.ok(Math.abs(10 * Math.log10(re[i] ** 2 + im[i] ** 2) - (p.path_gain_db as number)) < 1e-9, at);
      assert.ok(Math.abs(((az[i] - (p.aoa_azimuth_deg as number) + 540) % 360) - 180) < 1e-9 && Math.abs(el[i] - (p.aoa_elevation_deg as number)) < 1e-9, at);
      compared++;
    });
    for (let i = specular.length; i < re.length; i++) clusterPower += re[i] ** 2 + im[i] ** 2;
    for (const p of all) if (isDiffusePath(p.interactions as string)) diffuseGain += 10 ** ((p.path_gain_db as number) / 10);
  }
  assert.ok(compared > 3000, `${compared} specular paths compared`);
  // Fine clusters' amplitudes are drawn (CN(0, P)): the power is the traced one on average, not link by link.
  assert.ok(Math.abs(10 * Math.log10(clusterPower / diffuseGain)) < 0.5, `diffuse power ${clusterPower} against paths.arrow's ${diffuseGain}`);
});

test('channels.arrow --response: each element\'s response at each SRS tone is the sum of the components, by the metadata\'s grid', async () => {
  const out = await folderWithTrajectories();
  const r = await channels(out, '--tracks', '1', '--samples', '3', '--sites', '5,2', '--response');
  assert.equal(r.code, 0, r.stderr);
  const table = readArrowFile(path.join(out, 'channels.arrow'));
  const meta = table.schema.metadata;
  const grid = JSON.parse(meta.get('response')!) as { elements: number; tones: number; first_tone_offset_hz: number; tone_spacing_hz: number };
  const sites = new Map((JSON.parse(meta.get('sites')!) as { id: number; orientation_deg: number }[]).map((s) => [s.id, (s.orientation_deg * Math.PI) / 180]));
  assert.deepEqual([grid.elements, grid.tones], [64, 792]);
  const m = makeManifold(scenario.raytrace.array, Number(meta.get('carrier_freq_hz')));
  const aRe = new Float64Array(64), aIm = new Float64Array(64);
  const rows = table.toArray().map((row) => row.toJSON() as Row);
  assert.deepEqual(rows.map(linkKey), ['1/3/2', '1/3/5']);
  for (const row of rows) {
    const [delay, re, im, az, el] = ['delay_ns', 'amplitude_re', 'amplitude_im', 'azimuth_deg', 'elevation_deg'].map((c) => list(row, c));
    const hRe = list(row, 'response_re'), hIm = list(row, 'response_im');
    assert.equal(hRe.length, 64 * 792);
    const peak = Math.sqrt(Math.max(...hRe.map((v, i) => v * v + hIm[i] * hIm[i])));
    for (const [e, k] of [[0, 0], [17, 395], [63, 791], [40, 100]]) {
      const f = grid.first_tone_offset_hz + k * grid.tone_spacing_hz;
      let sr = 0, si = 0;
      for (let p = 0; p < re.length; p++) {
        steeringInto(m, sites.get(row.site_id)!, (az[p] * Math.PI) / 180, (el[p] * Math.PI) / 180, aRe, aIm);
        const ph = -2 * Math.PI * f * delay[p] * 1e-9;
        const cr = re[p] * Math.cos(ph) - im[p] * Math.sin(ph), ci = re[p] * Math.sin(ph) + im[p] * Math.cos(ph);
        sr += cr * aRe[e] - ci * aIm[e];
        si += cr * aIm[e] + ci * aRe[e];
      }
      const i = e * grid.tones + k;
      assert.ok(Math.hypot(hRe[i] - sr, hIm[i] - si) < 1e-5 * peak, `${linkKey(row)} element ${e} tone ${k}: ${hRe[i]}+${hIm[i]}j against ${sr}+${si}j`);
    }
  }
});

test('channels.arrow: the same bytes on a second run', async () => {
  const out = await folderWithTrajectories();
  assert.equal((await channels(out, '--tracks', '0,2', '--samples', '5-9')).code, 0);
  const sha = (f: string) => crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex');
  assert.equal(sha(path.join(out, 'channels.arrow')), sha(await selected));
});

test('channels --rx: CSV points at rest (no Doppler), trajectory -1; a point inside a building is refused', async () => {
  const out = await folderWithTrajectories();
  const csv = path.join(out, 'points.csv');
  fs.writeFileSync(csv, 'x,y,z\n138,60,1.5\n210,138,1.5\n');
  const r = await channels(out, '--rx', csv, '--sites', '1');
  assert.equal(r.code, 0, r.stderr);
  const rows = rowsOf(path.join(out, 'channels.arrow'));
  assert.deepEqual(rows.map(linkKey), ['-1/0/1', '-1/1/1']);
  assert.ok(rows.every((row) => row.speed === 0 && list(row, 'doppler_hz').every((v) => v === 0) && list(row, 'kind').length > 0));
  fs.writeFileSync(csv, 'x,y,z\n60,60,1.5\n');
  const bad = await channels(out, '--rx', csv, '--sites', '1');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /inside building .*--allow-indoor/);
});

/** Runs channels in a folder holding only trajectories.arrow: exit code 2, one `simgen: ` line matching `message`, nothing written. */
async function refused(message: RegExp, ...flags: string[]): Promise<void> {
  const out = await folderWithTrajectories();
  const r = await channels(out, ...flags);
  assert.equal(r.code, 2, `${flags.join(' ')}: ${r.stderr}`);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], message);
  assert.deepEqual(fs.readdirSync(out), ['trajectories.arrow'], `${flags.join(' ')}: nothing written`);
}

test('channels: a selection over --max-bytes is refused before tracing, and while writing when its channels outgrow the estimate', async () => {
  await refused(/^simgen: --max-bytes: 1098 links would take an estimated 429\.9 MiB .*over the limit of 100\.0 MiB.*nothing written$/, '--tracks', '0', '--response', '--max-bytes', '100M');
  // 10 links estimated at 100 components each (~48 KiB) pass; the smoke links have ~180: refused while writing.
  await refused(/^simgen: --max-bytes: the channels passed the limit of 60\.0 KiB after \d+ of 5 receivers/, '--tracks', '0', '--samples', '0-4', '--sites', '1,5', '--max-bytes', '60K');
});

test('channels: bad selections and flags exit 2 with one line naming the flag, nothing written', async () => {
  await refused(/^simgen: --tracks: choose the links: --tracks IDS .* or --rx points\.csv/);
  await refused(/^simgen: --sites must be site ids of scenario smoke-nr-srs: 1-18 \(got "3,99"\)$/, '--tracks', '0', '--sites', '3,99');
  await refused(/^simgen: --tracks: trajectory 9 is not in .*trajectories\.arrow \(trajectories 0-3\)$/, '--tracks', '0,9');
  await refused(/^simgen: --tracks must be a comma-separated list of numbers \(got "a"\)$/, '--tracks', 'a');
  await refused(/^simgen: --samples must be FROM-TO/, '--tracks', '0', '--samples', '9-3');
  await refused(/^simgen: --samples: no sample of trajectories 0 from 500 to 600 \(their samples run from 0 to 60\)$/, '--tracks', '0', '--samples', '500-600');
  await refused(/^simgen: --rx: give --tracks or --rx, not both$/, '--tracks', '0', '--rx', 'points.csv');
  await refused(/^simgen: --max-bytes must be a size in bytes/, '--tracks', '0', '--max-bytes', '-5');
  const csv = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'simgen-channels-csv-')), 'bad.csv');
  fs.writeFileSync(csv, 'x,y,z\n1,abc,1.5\n');
  await refused(/^simgen: --rx .*bad\.csv: line 2 column "y": "abc" is not a number$/, '--rx', csv);
});

test('channels: an ideal scenario is refused, naming --scenario and the nr-srs variant', async () => {
  const out = await folderWithTrajectories();
  const r = await simgen('channels', '--scenario', path.join(ROOT, 'scenarios/smoke.yaml'), '--out', out, '--tracks', '0');
  assert.equal(r.code, 2);
  assert.match(r.stderr.trim(), /^simgen: --scenario: smoke's measurement\.model is ideal: .*scenarios\/hyploc-madrid-nr-srs\.yaml\)$/);
  assert.deepEqual(fs.readdirSync(out), ['trajectories.arrow']);
});
