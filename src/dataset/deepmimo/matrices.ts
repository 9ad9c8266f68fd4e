import { UserError } from '../../util/errors.ts';
import type { NpyArray } from '../../util/npz.ts';
import { pathKind } from './interactions.ts';
import type { RaytracePaths } from './read-paths.ts';

// The DeepMIMO path matrices of one transmitter (site) toward every receiver, as DeepMIMO's converters
// build them (deepmimo/converters/sionna_rt/sionna_paths.py, wireless_insite/p2m_parser.py): float32,
// [n_rx, MAX_PATHS] with NaN where a receiver has fewer paths, paths strongest first; inter_pos
// [n_rx, MAX_PATHS, max interactions, 3]. The site transmits (DeepMIMO's convention: base stations are
// transmitters, users receivers), so departure angles are simgen's angles at the site and arrival angles
// its angles at the UE. DeepMIMO's "elevation" matrices hold zenith angles (theta: 0 deg = straight up,
// 90 deg = horizontal; its array response takes cos(theta) for z), simgen's elevations are from the
// horizontal: theta = 90 - elevation.

/** deepmimo/consts.py MAX_PATHS. */
export const MAX_PATHS = 25;

/** Matrix names as DeepMIMO names them (deepmimo/consts.py, "Fundamental quantities"). */
export const PATH_MATRICES = ['power', 'phase', 'delay', 'aoa_az', 'aoa_el', 'aod_az', 'aod_el', 'inter'] as const;
export type PathMatrix = (typeof PATH_MATRICES)[number];

/** Order of path rows, strongest first by path gain; ties keep the search order (the row order). */
export const strongestFirst = (gainDb: Float64Array) => (a: number, b: number) => gainDb[b] - gainDb[a] || a - b;

/** The paths kept per link, strongest first: row indices of paths.arrow, -1 past the link's last path. */
export interface PathSelection {
  /** [link * MAX_PATHS + k]. */
  rows: Int32Array;
  /** Interactions of the longest kept path (the third dimension of inter_pos). */
  maxInteractions: number;
  /** Links that had more than MAX_PATHS paths, and the paths left out. */
  linksCut: number;
  pathsCut: number;
  pathsKept: number;
  /** DeepMIMO code and interaction count per paths.arrow row. */
  code: Float32Array;
  depth: Uint8Array;
}

/** The kept paths of every link (read-paths.ts kept the MAX_PATHS strongest), strongest first (ties keep the search order); checks each path's vertices. */
export function selectPaths(p: RaytracePaths, pathsFile: string): PathSelection {
  const nPaths = p.interactions.length;
  const code = new Float32Array(nPaths);
  const depth = new Uint8Array(nPaths);
  const kinds = new Map<string, ReturnType<typeof pathKind>>();
  for (let i = 0; i < nPaths; i++) {
    const label = p.interactions[i];
    let k = kinds.get(label);
    if (!k) kinds.set(label, (k = pathKind(label, `${pathsFile} row ${i}`)));
    const vertexCount = (p.vertexOffsets[i + 1] - p.vertexOffsets[i]) / 3;
    if (vertexCount !== k.depth + 2) throw new UserError(`${pathsFile} row ${i}: path "${label}" has ${vertexCount} vertices, expected ${k.depth + 2} (site, interactions, UE)`);
    code[i] = k.code;
    depth[i] = k.depth;
  }

  const links = p.linkStart.length;
  const rows = new Int32Array(links * MAX_PATHS).fill(-1);
  let maxInteractions = 0, linksCut = 0, pathsCut = 0, pathsKept = 0;
  for (let l = 0; l < links; l++) {
    const n = p.linkCount[l];
    if (n === 0) continue;
    const first = p.linkStart[l];
    const order = Array.from({ length: n }, (_, k) => first + k).sort(strongestFirst(p.pathGainDb));
    const kept = Math.min(n, MAX_PATHS);
    for (let k = 0; k < kept; k++) {
      rows[l * MAX_PATHS + k] = order[k];
      maxInteractions = Math.max(maxInteractions, depth[order[k]]);
    }
    pathsKept += kept;
    if (p.linkTotal[l] > MAX_PATHS) {
      linksCut++;
      pathsCut += p.linkTotal[l] - MAX_PATHS;
    }
  }
  return { rows, maxInteractions, linksCut, pathsCut, pathsKept, code, depth };
}

/** Every path matrix, inter_pos, rx_pos and tx_pos of transmitter (site) index `s`. */
export function siteMatrices(p: RaytracePaths, sel: PathSelection, s: number): Record<string, NpyArray> {
  const ns = p.sites.length;
  const nr = p.receivers.trajectoryId.length;
  const M = MAX_PATHS, I = sel.maxInteractions;
  const m = Object.fromEntries(PATH_MATRICES.map((k) => [k, new Float32Array(nr * M).fill(NaN)])) as Record<PathMatrix, Float32Array>;
  const interPos = new Float32Array(nr * M * I * 3).fill(NaN);
  const deg = 180 / Math.PI;
  for (let r = 0; r < nr; r++) {
    const link = r * ns + s;
    for (let k = 0; k < M; k++) {
      const row = sel.rows[link * M + k];
      if (row < 0) break;
      const at = r * M + k;
      // Power in dBW for 0 dBW transmitted between isotropic antennas: the path's propagation gain.
      m.power[at] = p.pathGainDb[row];
      m.phase[at] = Math.atan2(p.amplitudeIm[row], p.amplitudeRe[row]) * deg;
      m.delay[at] = p.delayNs[row] * 1e-9;
      m.aod_az[at] = p.siteAzimuthDeg[row];
      m.aod_el[at] = 90 - p.siteElevationDeg[row];
      m.aoa_az[at] = p.ueAzimuthDeg[row];
      m.aoa_el[at] = 90 - p.ueElevationDeg[row];
      m.inter[at] = sel.code[row];
      // Interaction points in path order from the site: the vertices between the first (site) and the last (UE).
      const v0 = p.vertexOffsets[row] + 3;
      for (let i = 0; i < sel.depth[row]; i++) for (let c = 0; c < 3; c++) interPos[((at * I) + i) * 3 + c] = p.vertices[v0 + 3 * i + c];
    }
  }
  const site = p.sites[s];
  return {
    ...Object.fromEntries(PATH_MATRICES.map((k) => [k, { data: m[k], shape: [nr, M] }])),
    inter_pos: { data: interPos, shape: [nr, M, I, 3] },
    rx_pos: { data: Float32Array.from(p.receivers.xyz), shape: [nr, 3] },
    tx_pos: { data: Float32Array.from([site.x, site.y, site.z]), shape: [1, 3] },
  };
}
