import fs from 'node:fs';
import type { Site } from '../../scenario/load.ts';
import { ArrowFileWriter } from '../../util/arrow.ts';
import { Progress } from '../../util/progress.ts';
import { emptyLinkColumns, type LinkColumns, sitesInOrder } from '../engine/tracer.ts';
import { linkMetadata, type RaytraceScenario, siteLinksFile, siteLinksKey } from '../key.ts';
import { linkValues } from './assemble.ts';
import { tracePoints } from './pool.ts';
import type { Receivers } from './receivers.ts';
import { linkSchema } from './schema.ts';

// Per-site link files: every receiver against one site, each site traced once and kept, so that any
// deployment of these sites is assembled from the files (src/dataset/site-store.ts) instead of being traced
// again. A site's links do not depend on the other sites (paths, the scattering tiles it lights, its array),
// so a scenario reduced to a batch of new sites traces them exactly as a scenario holding all of them
// would (test/raytrace-site-links.test.ts compares with links.arrow). A file is `<dir>/site-<key>.arrow`
// with links.arrow's columns and order (trajectory_id, sample; one site) and its `input_key`: the raytrace
// key of the scenario reduced to that site, for those receivers. It is written atomically once its site is
// done, so an interrupted run keeps the sites finished before and traces the rest.

/** Sites traced together (one precomputation task each, then every receiver against the batch). */
export const SITE_BATCH = 8;

export interface SiteLinksOptions {
  threads: number;
  quiet?: boolean;
  /** One line per traced batch. */
  log?: (line: string) => void;
}

export interface SiteLinksResult {
  /** File of each site, in the order given. */
  files: string[];
  /** Sites traced by this call (the others were on disk). */
  traced: number;
  /** Wall seconds spent tracing. */
  seconds: number;
}

async function writeSiteFile(file: string, scenario: RaytraceScenario, site: Site, key: string, receivers: Receivers, L: LinkColumns): Promise<void> {
  const n = receivers.sample.length;
  // links.arrow's metadata for this one site, and the trajectories file its receivers come from.
  const metadata = linkMetadata(scenario, key, 'trajectories', [site]);
  metadata.set('receivers_input_key', receivers.upstreamKey);
  const w = new ArrowFileWriter(file, linkSchema(metadata));
  try {
    w.write({
      trajectory_id: receivers.trajectoryId, sample: receivers.sample, site_id: new Int32Array(n).fill(site.id),
      x: receivers.xyz.filter((_, i) => i % 3 === 0), y: receivers.xyz.filter((_, i) => i % 3 === 1), z: receivers.xyz.filter((_, i) => i % 3 === 2),
      ...linkValues(L),
    });
    await w.close();
  } catch (e) {
    w.abort();
    throw e;
  }
}

/**
 * Makes sure every site has its link file in `dir` for these receivers, tracing the missing ones in
 * batches of SITE_BATCH on `threads` threads. Same bytes whatever the thread count or batch (each file
 * depends on its site and the receivers only).
 */
export async function ensureSiteLinks(scenario: RaytraceScenario, sites: Site[], receivers: Receivers, dir: string, o: SiteLinksOptions): Promise<SiteLinksResult> {
  const keys = sites.map((s) => siteLinksKey(scenario, s, receivers.upstreamKey));
  const files = keys.map((k) => siteLinksFile(dir, k));
  const missing = sites.map((_, i) => i).filter((i) => !fs.existsSync(files[i]));
  const started = Date.now();
  const nr = receivers.sample.length;
  const progress = new Progress('site links', missing.length * nr, o.quiet, { unit: 'links' });
  let done = 0;
  try {
    for (let b = 0; b < missing.length; b += SITE_BATCH) {
      const batch = missing.slice(b, b + SITE_BATCH);
      const batchSites = batch.map((i) => sites[i]);
      // The tracer traces every site of its input: give it this batch only.
      const order = sitesInOrder(batchSites).map((t) => batchSites.indexOf(t)); // tracer slot -> batch index
      const cols = batchSites.map(() => emptyLinkColumns(nr));
      const t0 = Date.now();
      await tracePoints({ ...scenario, sites: batchSites }, receivers.xyz, { threads: o.threads, withPaths: false }, (first, res) => {
        const L = res.links;
        const ns = order.length;
        for (let row = 0; row < L.heard.length; row++) {
          const r = first + Math.floor(row / ns);
          const c = cols[order[row % ns]];
          for (const k of Object.keys(c) as Array<keyof LinkColumns>) (c[k] as unknown as unknown[])[r] = (L[k] as unknown as unknown[])[row];
        }
        done += L.heard.length;
        progress.update(done);
      });
      for (let j = 0; j < batch.length; j++) await writeSiteFile(files[batch[j]], scenario, sites[batch[j]], keys[batch[j]], receivers, cols[j]);
      o.log?.(`site links: traced ${Math.min(b + SITE_BATCH, missing.length)}/${missing.length} new sites (${((Date.now() - t0) / 1000).toFixed(1)} s for ${batch.length})`);
    }
  } finally {
    progress.done();
  }
  return { files, traced: missing.length, seconds: (Date.now() - started) / 1000 };
}
