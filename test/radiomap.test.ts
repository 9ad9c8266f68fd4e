import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { radiomapOptions } from '../src/cli/radiomap.ts';
import { pointInPolygon } from '../src/map/geometry.ts';
import { makeGrid, openCells } from '../src/radiomap/grid.ts';
import { runRadiomap } from '../src/radiomap/run.ts';
import { runRaytrace } from '../src/raytrace/index.ts';
import { loadScenario, PACKAGE_ROOT } from '../src/scenario/load.ts';
import { readArrowFile } from '../src/util/arrow.ts';
import { UserError } from '../src/util/errors.ts';

// `simgen radiomap`: the same numbers as `simgen raytrace --rx` at the cell centres, the same bytes whatever the
// thread count, cells inside buildings left out, the images, bad flags, and the real CLI on the l-block map.

const smoke = loadScenario(path.join(PACKAGE_ROOT, 'scenarios/smoke.yaml'));
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'simgen-radiomap-'));
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

test('radiomap equals raytrace --rx at the cell centres; same bytes with 1 and 2 threads', async () => {
  const a = tmp(), b = tmp();
  // Sites 2 and 14 have images; constellation 2's sites are traced too (its image). 14 m cells: ~500 open cells.
  const opts = { sites: [14, 2], cell: 14, constellation: 2, quiet: true };
  const ra = await runRadiomap(smoke, a, { ...opts, threads: 1 });
  const rb = await runRadiomap(smoke, b, { ...opts, threads: 2 });
  for (const f of [...ra.images, 'radiomap.arrow']) assert.ok(fs.readFileSync(path.join(ra.dir, f)).equals(fs.readFileSync(path.join(rb.dir, f))), `${f} differs between 1 and 2 threads`);
  assert.deepEqual(ra.images, ['site-2.png', 'site-14.png', 'max.png', 'best-server.png', 'constellation-2.png']);
  for (const f of ra.images) assert.ok(fs.readFileSync(path.join(ra.dir, f)).subarray(0, 8).equals(PNG), `${f} is a PNG`);
  assert.deepEqual(fs.readdirSync(a).filter((f) => f.startsWith('.')), [], 'no temporary folder left');

  const t = readArrowFile(ra.file);
  const md = t.schema.metadata;
  const grid = JSON.parse(md.get('grid')!);
  assert.deepEqual(grid, { origin: [0, 0], cell_m: 14, nx: 28, ny: 40, height_m: 1.5 });
  const traced = JSON.parse(md.get('constellation')!).sites.concat([2, 14]);
  const sites = [...new Set<number>(traced)].sort((p, q) => p - q);
  assert.deepEqual(JSON.parse(md.get('sites')!).map((s: { id: number }) => s.id), sites);
  for (const k of ['scenario', 'scenario_hash', 'input_key', 'carrier_freq_hz', 'ue_tx_power_dbm']) assert.ok(md.get(k), k);

  // The same points through `simgen raytrace --rx` (every site): equal numbers for every (cell, site).
  const cells = openCells(smoke.map, makeGrid(smoke.map, 14, 1.5));
  assert.equal(t.numRows, cells.cells.length * sites.length);
  const csv = path.join(a, 'points.csv');
  const lines = ['x,y,z'];
  for (let n = 0; n < cells.cells.length; n++) lines.push(`${cells.xyz[3 * n]},${cells.xyz[3 * n + 1]},${cells.xyz[3 * n + 2]}`);
  fs.writeFileSync(csv, lines.join('\n'));
  const rt = await runRaytrace(smoke, a, { rxCsv: csv, threads: 2, quiet: true });
  const L = readArrowFile(rt.path);
  const all = smoke.sites.length;
  const get = (tab: typeof t, name: string) => tab.getChild(name)!;
  const [x, y, sid, gain, power, heard, los, np] = ['x', 'y', 'site_id', 'path_gain_db', 'rx_power_dbm', 'heard', 'los', 'num_paths'].map((c) => get(t, c));
  const [lx, ly, lsid, lloss, lpower, lheard, llos, lnp] = ['x', 'y', 'site_id', 'path_loss_db', 'rx_power_dbm', 'heard', 'los', 'num_paths'].map((c) => get(L, c));
  let compared = 0, withPath = 0;
  for (let r = 0; r < t.numRows; r++) {
    const n = Math.floor(r / sites.length);
    const q = n * all + smoke.sites.findIndex((s) => s.id === sid.get(r)); // links.arrow: row = point * sites + site (by id)
    assert.equal(lsid.get(q), sid.get(r));
    assert.equal(x.get(r), lx.get(q));
    assert.equal(y.get(r), ly.get(q));
    assert.equal(gain.get(r), lloss.get(q) === null ? null : -lloss.get(q), `row ${r}: path gain vs -path loss`);
    assert.equal(power.get(r), lpower.get(q), `row ${r}: rx power`);
    assert.equal(heard.get(r), lheard.get(q));
    assert.equal(los.get(r), llos.get(q));
    assert.equal(np.get(r), lnp.get(q));
    compared++;
    if (np.get(r) > 0) withPath++;
  }
  assert.ok(compared > 2000 && withPath > compared / 2, `${compared} links compared, ${withPath} with paths`);

  // No cell centre inside a building; every row's point is the centre of its cell.
  const ix = get(t, 'ix'), iy = get(t, 'iy');
  for (let r = 0; r < t.numRows; r += sites.length) {
    assert.equal(x.get(r), (ix.get(r) + 0.5) * 14);
    assert.equal(y.get(r), (iy.get(r) + 0.5) * 14);
    assert.ok(!smoke.map.buildings.some((bd) => pointInPolygon([x.get(r), y.get(r)], bd.footprint)), `cell at ${x.get(r)}, ${y.get(r)} lies in a building`);
  }
  const inside = cells.cells.length;
  assert.ok(inside < 28 * 40 * 0.5, `${inside} open cells of ${28 * 40}: the buildings cover most of the map`);
});

test('radiomap: bad flags are UserErrors naming the flag (checked by the CLI against the scenario)', () => {
  const cases: [Partial<Parameters<typeof radiomapOptions>[0]>, RegExp][] = [
    [{ cell: 0 }, /--cell: must be a number of metres > 0/],
    [{ cell: 0.01 }, /--cell: .*at most 4,000,000 cells/],
    [{ height: -1 }, /--height: must be a number of metres > 0/],
    [{ sites: '3,99' }, /--sites: no site 99; the scenario's sites are 1,2,3/],
    [{ constellation: 4 }, /--constellation must be an integer from 1 to 3/],
    [{ threads: 0 }, /--threads must be an integer from 1 to 256/],
    [{ scale: 5 }, /--scale must be an integer from 1 to 4/],
  ];
  for (const [args, message] of cases) assert.throws(() => radiomapOptions({ cell: 2, ...args }, smoke), (e: unknown) => e instanceof UserError && message.test(e.message), message.source);
  assert.deepEqual(radiomapOptions({ cell: 4, sites: '2,1', threads: 1 }, smoke), { cell: 4, height: undefined, sites: [2, 1], constellation: undefined, threads: 1, resolution: 1 });
});

test('simgen radiomap on test/fixtures/l-block.yaml (the real CLI)', async () => {
  const out = tmp();
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', path.join(PACKAGE_ROOT, 'src/cli/main.ts'), 'radiomap', '--scenario', path.join(PACKAGE_ROOT, 'test/fixtures/l-block.yaml'), '--out', out, '--cell', '4'], { cwd: PACKAGE_ROOT });
  assert.match(stdout, /^radiomap: \d+ open cells of 25 x 20 \(4 m, at 1.5 m\) x 2 sites = \d+ links in/m);
  assert.match(stdout, /wrote .*radiomap.arrow and 5 images \(site-1.png, site-2.png, max.png, best-server.png, constellation-1.png\)/);
  assert.deepEqual(fs.readdirSync(path.join(out, 'radiomap')).sort(), ['best-server.png', 'constellation-1.png', 'max.png', 'radiomap.arrow', 'site-1.png', 'site-2.png']);
});
