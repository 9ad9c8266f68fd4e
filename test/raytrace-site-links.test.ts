import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { readLinks } from '../src/dataset/inputs.ts';
import { readSiteLinks, withSites } from '../src/dataset/site-store.ts';
import { runTrajectories } from '../src/mobility/trajectories.ts';
import { readTrajectoryReceivers } from '../src/raytrace/run/receivers.ts';
import { runRaytrace } from '../src/raytrace/index.ts';
import { ensureSiteLinks, siteLinksKey } from '../src/raytrace/index.ts';
import { loadScenario, PACKAGE_ROOT } from '../src/scenario/load.ts';
import { readArrowFile } from '../src/util/arrow.ts';

// Per-site link files (the zero-shot experiment): a site traced alone, or in a batch of other sites, gives
// exactly the links `simgen raytrace` gives it among all 18 sites; files are kept and never traced twice.

const scenario = loadScenario(path.join(PACKAGE_ROOT, 'scenarios/smoke.yaml'));
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'simgen-site-links-'));
after(() => fs.rmSync(out, { recursive: true, force: true }));

test('site link files equal links.arrow for those sites, whatever the batch; a second call traces nothing', async () => {
  await runTrajectories(scenario, out, { quiet: true });
  await runRaytrace(scenario, out, { threads: 2, quiet: true });
  const receivers = readTrajectoryReceivers(path.join(out, 'trajectories.arrow'));
  const picked = scenario.sites.filter((s) => [2, 5, 13].includes(s.id));
  const dir = path.join(out, 'site-links');
  const r = await ensureSiteLinks(scenario, picked, receivers, dir, { threads: 2, quiet: true });
  assert.equal(r.traced, 3);
  assert.equal(r.files.length, 3);

  // Against links.arrow: every column of every row of those sites.
  const links = readArrowFile(path.join(out, 'links.arrow'));
  const siteId = links.getChild('site_id')!.toArray() as Int32Array;
  for (const [i, site] of picked.entries()) {
    const file = readArrowFile(r.files[i]);
    assert.equal(file.numRows, receivers.sample.length);
    assert.equal(file.schema.metadata.get('input_key'), siteLinksKey(scenario, site, receivers.upstreamKey));
    const rows = [...siteId.keys()].filter((k) => siteId[k] === site.id);
    for (const f of links.schema.fields) {
      const a = file.getChild(f.name)!.toArray();
      const b = links.getChild(f.name)!.toArray();
      rows.forEach((row, k) => assert.ok(Object.is(a[k], b[row]) || a[k] === b[row], `site ${site.id} ${f.name} receiver ${k}: ${a[k]} vs ${b[row]}`));
    }
  }

  // Kept: nothing traced again; one site alone gives the same bytes as within the batch.
  assert.equal((await ensureSiteLinks(scenario, picked, receivers, dir, { threads: 1, quiet: true })).traced, 0);
  const alone = await ensureSiteLinks(scenario, [picked[1]], receivers, path.join(out, 'alone'), { threads: 1, quiet: true });
  assert.ok(fs.readFileSync(alone.files[0]).equals(fs.readFileSync(r.files[1])), 'site 5 alone differs from site 5 in a batch of three');
  assert.deepEqual(fs.readdirSync(dir).filter((f) => f.startsWith('.')), [], 'no temporary files left');

  // Assembled with links.arrow's own sites (as new ids), every value matches the site it copies.
  const base = await readLinks(path.join(out, 'links.arrow'), scenario);
  const moved = { ...picked[0], id: 1002 };
  const [extra] = (await ensureSiteLinks(scenario, [moved], receivers, dir, { threads: 2, quiet: true })).files;
  const merged = withSites(base, [readSiteLinks(extra, siteLinksKey(scenario, moved, receivers.upstreamKey))]);
  const n = merged.sites.length;
  const j = merged.sites.findIndex((s) => s.id === 1002), i = merged.sites.findIndex((s) => s.id === picked[0].id);
  for (let s = 0; s < merged.samples; s++) {
    assert.equal(merged.heard[s * n + j], merged.heard[s * n + i]);
    assert.ok(Object.is(merged.rxPowerDbm[s * n + j], merged.rxPowerDbm[s * n + i]));
  }
  assert.throws(() => readSiteLinks(extra, 'another key'), /written for another scenario, seed or upstream file/);
});
