import path from 'node:path';
import { ArrowFileWriter, type ColumnValues } from '../../util/arrow.ts';
import { UserError } from '../../util/errors.ts';
import type { LinkColumns } from '../engine/tracer.ts';
import type { BlockPayload } from './parts.ts';
import { linkSchema, pathSchema } from './schema.ts';

// links.arrow (and paths.arrow) from the blocks of a run, in block order, one record batch per block. The
// whole run (from its journal) and `simgen merge` (from the shards' parts) both write through here, so the
// same blocks give the same bytes however they were traced. Memory holds one block at a time.

/** Counts over the links written, for the summary line. */
export interface AssembleStats {
  links: number;
  /** Links with at least one path, heard (path loss <= cutoff), with line of sight. */
  withPaths: number;
  heard: number;
  los: number;
  /** Paths found, occlusion rays cast and thread-seconds of diffuse scattering, as the tracer counted them. */
  paths: number;
  rays: number;
  scatterSeconds: number;
}

export const emptyStats = (): AssembleStats => ({ links: 0, withPaths: 0, heard: 0, los: 0, paths: 0, rays: 0, scatterSeconds: 0 });

/** Adds one block's links to the counts. */
export function addBlockStats(stats: AssembleStats, b: BlockPayload): void {
  const L = b.result.links;
  for (let row = 0; row < L.heard.length; row++) {
    if (L.num_paths[row] > 0) stats.withPaths++;
    stats.heard += L.heard[row];
    stats.los += L.los[row];
  }
  stats.links += L.heard.length;
  stats.paths += b.result.pathCount;
  stats.rays += b.result.rays;
  stats.scatterSeconds += b.result.scatterSeconds;
}

/** Float column with null for NaN (a link without any path). */
function nullable(a: Float64Array): ColumnValues {
  return a.some((v) => Number.isNaN(v)) ? Array.from(a, (v) => (Number.isNaN(v) ? null : v)) : a;
}

/** The per-link columns as links.arrow stores them (no path: null; no strongest path: null). */
export function linkValues(L: LinkColumns): Record<keyof LinkColumns, ColumnValues> {
  // A block traced by a simgen before the spread columns (a resumed journal or a shard's part file).
  if (!L.delay_spread_ns) throw new UserError('a traced block has no delay_spread_ns: it comes from an older simgen (journal or part file); trace it again with this version');
  return {
    heard: Array.from(L.heard, Boolean), los: Array.from(L.los, Boolean),
    rx_power_dbm: nullable(L.rx_power_dbm), path_loss_db: nullable(L.path_loss_db), tof_ns: nullable(L.tof_ns),
    aoa_azimuth_deg: nullable(L.aoa_azimuth_deg), aoa_elevation_deg: nullable(L.aoa_elevation_deg),
    aoa_azimuth_q_deg: nullable(L.aoa_azimuth_q_deg), aoa_elevation_q_deg: nullable(L.aoa_elevation_q_deg),
    num_paths: L.num_paths, num_diffuse: L.num_diffuse, diffuse_share: nullable(L.diffuse_share),
    strongest_interactions: L.strongest_interactions.map((s) => (s === '' ? null : s)),
    delay_spread_ns: nullable(L.delay_spread_ns), azimuth_spread_deg: nullable(L.azimuth_spread_deg), zenith_spread_deg: nullable(L.zenith_spread_deg),
  };
}

export interface AssembleTarget {
  outDir: string;
  metadata: Map<string, string>;
  /** Also write paths.arrow (the blocks hold paths). */
  paths: boolean;
  /** Called after each block with the links written so far. */
  onProgress?: (links: number) => void;
}

/** Writes `<outDir>/links.arrow` (+ paths.arrow); each file appears only when complete. */
export async function assembleLinks(blocks: Iterable<BlockPayload>, t: AssembleTarget): Promise<{ linksFile: string; pathsFile?: string; stats: AssembleStats }> {
  const siteIds = (JSON.parse(t.metadata.get('sites')!) as { id: number }[]).map((s) => s.id);
  const ns = siteIds.length;
  const linksFile = path.join(t.outDir, 'links.arrow');
  const pathsFile = path.join(t.outDir, 'paths.arrow');
  const stats = emptyStats();
  let links: ArrowFileWriter | null = null;
  let paths: ArrowFileWriter | null = null;
  try {
    links = new ArrowFileWriter(linksFile, linkSchema(t.metadata));
    if (t.paths) paths = new ArrowFileWriter(pathsFile, pathSchema(t.metadata));
    for (const b of blocks) {
      writeBlock(b);
      t.onProgress?.(stats.links);
    }
    await links.close();
    if (paths) await paths.close();
  } catch (e) {
    links?.abort();
    paths?.abort();
    throw e;
  }
  return { linksFile, pathsFile: t.paths ? pathsFile : undefined, stats };

  function writeBlock(b: BlockPayload): void {
    const { result: res } = b;
    const L = res.links;
    const n = L.heard.length;
    const tid = new Int32Array(n), smp = new Int32Array(n), sid = new Int32Array(n);
    const x = new Float64Array(n), y = new Float64Array(n), z = new Float64Array(n);
    for (let row = 0; row < n; row++) {
      const k = Math.floor(row / ns);
      tid[row] = b.trajectoryId[k];
      smp[row] = b.sample[k];
      sid[row] = siteIds[row % ns];
      x[row] = b.xyz[3 * k];
      y[row] = b.xyz[3 * k + 1];
      z[row] = b.xyz[3 * k + 2];
    }
    addBlockStats(stats, b);
    links!.write({
      trajectory_id: tid, sample: smp, site_id: sid, x, y, z,
      ...linkValues(L),
    });
    const P = res.paths;
    if (paths && P && P.link.length > 0) {
      const { link, ...cols } = P;
      paths.write({
        trajectory_id: link.map((row) => tid[row]), sample: link.map((row) => smp[row]), site_id: link.map((row) => sid[row]),
        ...cols,
      });
    }
  }
}
