import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { viewOptions } from '../src/cli/view.ts';
import { generateTracks } from '../src/mobility/drive.ts';
import { runRadiomap } from '../src/radiomap/run.ts';
import { runRaytrace } from '../src/raytrace/index.ts';
import { loadScenario, PACKAGE_ROOT } from '../src/scenario/load.ts';
import { readArrowFile } from '../src/util/arrow.ts';
import { UserError } from '../src/util/errors.ts';
import type { PageData } from '../src/viewer/page-data.ts';
import { runView, VIEWER_FILE } from '../src/viewer/run.ts';
import { MAX_PATHS_SHOWN } from '../src/viewer/trace-track.ts';

// `simgen view` without a browser: the page is one file with its data and script, the same bytes whatever the
// thread count; the track's links are raytrace's numbers; the shown paths are the strongest of heard links; the
// radio-map overlay decodes to the file's numbers; bad flags. (test/viewer-browser.test.ts runs the page.)

const lblock = loadScenario(path.join(PACKAGE_ROOT, 'test/fixtures/l-block.yaml'));
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'simgen-viewer-'));

function embedded(file: string): PageData {
  const html = fs.readFileSync(file, 'utf8');
  const m = /<script id="simgen-data" type="application\/json">(.*?)<\/script>/s.exec(html);
  assert.ok(m, 'the page embeds its data');
  assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+href="(?!data:)/, 'nothing is loaded from elsewhere');
  return JSON.parse(m[1]) as PageData;
}

test('viewer.html: self-contained, same bytes with 1 and 2 threads, links equal raytrace, overlay equals the radio map', async () => {
  const a = tmp(), b = tmp();
  const rm = await runRadiomap(lblock, a, { cell: 5, quiet: true });
  fs.cpSync(path.join(a, 'radiomap'), path.join(b, 'radiomap'), { recursive: true });
  const va = await runView(lblock, a, { track: 1, threads: 1 });
  const vb = await runView(lblock, b, { track: 1, threads: 2 });
  assert.ok(fs.readFileSync(va.file).equals(fs.readFileSync(vb.file)), 'viewer.html differs between 1 and 2 threads');
  assert.equal(path.basename(va.file), VIEWER_FILE);
  const d = embedded(va.file);
  assert.equal(d.trace.track, 1);
  assert.equal(d.tracks.length, lblock.trajectories.count);
  assert.deepEqual(d.sites.map((s) => s.id), [1, 2]);

  // The track's samples through `simgen raytrace --rx`: the page's link numbers, rounded to 0.01.
  const track = generateTracks(lblock.map, lblock.seed, lblock.trajectories)[1];
  const csv = path.join(a, 'track.csv');
  fs.writeFileSync(csv, ['x,y,z', ...track.samples.map((s) => `${s.x},${s.y},${s.z}`)].join('\n'));
  const L = readArrowFile((await runRaytrace(lblock, a, { rxCsv: csv, threads: 1, quiet: true })).path);
  const r2 = (v: number | null) => (v === null ? null : Math.round(v * 100) / 100);
  const ns = d.trace.sites.length;
  for (let r = 0; r < L.numRows; r++) {
    assert.equal(d.trace.heard[r], L.getChild('heard')!.get(r) ? 1 : 0);
    assert.equal(d.trace.power[r], r2(L.getChild('rx_power_dbm')!.get(r)), `link ${r}: power`);
    assert.equal(d.trace.tof[r], r2(L.getChild('tof_ns')!.get(r)), `link ${r}: ToF`);
    assert.equal(d.trace.azimuth[r], r2(L.getChild('aoa_azimuth_deg')!.get(r)));
    assert.equal(d.trace.numPaths[r], L.getChild('num_paths')!.get(r));
  }
  // Paths shown: only heard links, at most MAX_PATHS_SHOWN a link, strongest first; the first vertex is the site, the last the UE.
  let shown = 0;
  for (let s = 0; s < d.trace.t.length; s++)
    for (let k = 0; k < ns; k++) {
      const ps = [];
      for (let p = d.trace.pathStart[s]; p < d.trace.pathStart[s + 1]; p++) if (d.trace.pathSite[p] === k) ps.push(p);
      if (!d.trace.heard[s * ns + k]) assert.equal(ps.length, 0);
      assert.ok(ps.length <= Math.min(MAX_PATHS_SHOWN, d.trace.numPaths[s * ns + k]));
      for (let j = 1; j < ps.length; j++) assert.ok(d.trace.pathPower[ps[j]] <= d.trace.pathPower[ps[j - 1]]);
      for (const p of ps) {
        const v0 = d.trace.vertStart[p], v1 = d.trace.vertStart[p + 1] - 1;
        assert.deepEqual(d.trace.verts.slice(3 * v0, 3 * v0 + 2), [d.sites[k].x, d.sites[k].y]);
        assert.ok(Math.abs(d.trace.verts[3 * v1] - d.trace.x[s]) <= 0.06 && Math.abs(d.trace.verts[3 * v1 + 1] - d.trace.y[s]) <= 0.06);
      }
      shown += ps.length;
    }
  assert.ok(shown > 0 && shown === va.paths);

  // The overlay: cell list and quantised levels of radiomap.arrow.
  const o = d.radiomap!;
  assert.ok(o, 'the radio map overlay is embedded');
  const cells = new Int32Array(new Uint8Array(Buffer.from(o.cells, 'base64')).buffer);
  const levels = Buffer.from(o.levels, 'base64');
  assert.deepEqual(Array.from(cells), Array.from(rm.values.cells));
  for (let r = 0; r < levels.length; r++) {
    if (!rm.values.heard[r]) assert.equal(levels[r], 0);
    else assert.ok(Math.abs(o.floorDbm + ((levels[r] - 1) / 254) * (o.maxDbm - o.floorDbm) - rm.values.rxPowerDbm[r]) <= (o.maxDbm - o.floorDbm) / 254, `cell-site ${r}`);
  }
});

test('view: no radio map is a note; bad flags are UserErrors naming the flag', async () => {
  const out = tmp();
  const v = await runView(lblock, out, { threads: 1 });
  assert.match(v.notes.join('\n'), /no radio map overlay: radiomap\/radiomap\.arrow is missing \(run "simgen radiomap" first\)/);
  assert.equal(embedded(v.file).radiomap, null);
  const cases: [Partial<Parameters<typeof viewOptions>[0]>, RegExp][] = [
    [{ track: 2 }, /--track must be an integer from 0 to 1 \(the track ids\) \(got 2\)/],
    [{ constellation: 2 }, /--constellation must be an integer from 1 to 1/],
    [{ serve: true, port: 70000 }, /--port must be an integer from 0 to 65535/],
    [{ threads: 0 }, /--threads must be an integer from 1 to 256/],
  ];
  for (const [args, message] of cases) assert.throws(() => viewOptions({ serve: false, port: 8642, ...args }, lblock), (e: unknown) => e instanceof UserError && message.test(e.message), message.source);
});
