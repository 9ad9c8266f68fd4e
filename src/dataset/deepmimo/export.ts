import fs from 'node:fs';
import path from 'node:path';
import type { Scenario } from '../../scenario/load.ts';
import { writeDirAtomic } from '../../util/atomic.ts';
import { UserError } from '../../util/errors.ts';
import { npzBytes } from '../../util/npz.ts';
import { shownPath } from '../../util/paths.ts';
import { Progress } from '../../util/progress.ts';
import { MAX_PATHS, selectPaths, siteMatrices } from './matrices.ts';
import { deepMimoParams } from './params.ts';
import { readRaytracePaths } from './read-paths.ts';

// `simgen export --deepmimo`: the paths of `simgen raytrace --paths` as a DeepMIMO v4 scenario folder,
// <out>/deepmimo/<scenario name>/: params.json, objects.json + vertices.npz (the scene), and one
// {matrix}_t000_tx{site index:03}_r001.npz per matrix and site (deepmimo/utils/scenarios.py
// get_mat_filename; TX/RX set ids 0 and 1 as DeepMIMO's Sionna converter numbers them), each holding
// the array under its matrix name (np.savez_compressed). The folder is written whole or not at all.

export interface DeepMimoResult {
  dir: string;
  transmitters: number;
  receivers: number;
  /** Paths kept per link at most (DeepMIMO's MAX_PATHS). */
  maxPaths: number;
  /** Paths in paths.arrow, kept (<= maxPaths per link), and links that had more than maxPaths. */
  paths: number;
  pathsKept: number;
  linksCut: number;
  maxInteractions: number;
  files: number;
}

/** DeepMIMO's file name of a matrix: {key}_t{tx set:03}_tx{tx index:03}_r{rx set:03}.npz. */
export function matrixFileName(key: string, txIndex: number): string {
  return `${key}_t000_tx${String(txIndex).padStart(3, '0')}_r001.npz`;
}

export async function runDeepMimoExport(scenario: Scenario, outDir: string, opts: { quiet?: boolean } = {}): Promise<DeepMimoResult> {
  const files = { links: path.join(outDir, 'links.arrow'), paths: path.join(outDir, 'paths.arrow') };
  if (!fs.existsSync(files.paths)) throw new UserError(`--deepmimo: ${shownPath(files.paths)} not found; run "simgen raytrace --paths" (same --scenario and --out) first`);
  const p = await readRaytracePaths(files, scenario);
  const sel = selectPaths(p, files.paths);
  const { params, objects, vertices } = deepMimoParams(scenario, p, sel);

  // DeepMIMO loads a scenario by its folder name, lower-cased (deepmimo/datasets/load.py).
  const dir = path.join(outDir, 'deepmimo', scenario.name.toLowerCase());
  const progress = new Progress('deepmimo', p.sites.length, opts.quiet, { unit: 'sites' });
  let written = 0;
  try {
    writeDirAtomic(dir, (tmp) => {
      const write = (name: string, data: string | Uint8Array) => {
        fs.writeFileSync(path.join(tmp, name), data, { flag: 'wx' }); // a new file in our own new folder
        written++;
      };
      p.sites.forEach((_, s) => {
        for (const [key, array] of Object.entries(siteMatrices(p, sel, s))) write(matrixFileName(key, s), npzBytes({ [key]: array }));
        progress.update(s + 1);
      });
      write('vertices.npz', npzBytes({ vertices }));
      write('objects.json', `${JSON.stringify(objects, null, 2)}\n`);
      const nr = p.receivers.trajectoryId.length;
      write('simgen_receivers.npz', npzBytes({ trajectory_id: { data: p.receivers.trajectoryId, shape: [nr] }, sample: { data: p.receivers.sample, shape: [nr] } }));
      write('params.json', `${JSON.stringify(params, null, 2)}\n`);
    });
  } finally {
    progress.done();
  }
  return {
    dir,
    transmitters: p.sites.length,
    receivers: p.receivers.trajectoryId.length,
    maxPaths: MAX_PATHS,
    paths: p.pathsTotal,
    pathsKept: sel.pathsKept,
    linksCut: sel.linksCut,
    maxInteractions: sel.maxInteractions,
    files: written,
  };
}
