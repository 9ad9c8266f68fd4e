import type { PropagationPath } from '../../radio/path.ts';
import type { Scene, Vec3 } from '../../scene/types.ts';
import { buildImageTree, type ImageTree } from './candidates.ts';
import { buildSiteCombined, findDR, findRD, type SiteCombined } from './combined.ts';
import { buildSiteEdges, diffractedPath, type SiteEdges } from './diffraction.ts';
import type { FlatScene } from './flat-scene.ts';
import type { SiteIllumination } from './illumination.ts';
import { reflectedPathBlocked, reflectionPoints } from './image-method.ts';
import { pruneTree } from './range.ts';
import { segmentBlocked } from './occlusion.ts';
import { DEFAULT_CANDIDATE_RAYS } from './settings.ts';
import type { View } from './visibility.ts';

// The path search of one site, in the steps of Sionna RT: candidate sequences from shooting and bouncing
// (candidates.ts, once per site) -> exact geometry by the image method and occlusion tests per receiver
// (image-method.ts, diffraction.ts) -> PropagationPath records for the field calculation (src/radio).

export interface SearchSettings {
  maxReflectionOrder: number;
  diffraction: boolean;
  /** With diffraction: also one reflection before or after the diffraction ("RD", "DR"). */
  diffractionReflections?: boolean;
  /** Rays shot from each site to find reflection candidates. */
  candidateRays?: number;
  /** With diffuse scattering: reflections allowed before the final scattering (the image tree must reach one deeper). */
  scatterReflections?: number;
}

/** Everything precomputed for one site: its image tree, its sampled view of every edge, its images' views (RD/DR) and the tiles it lights. */
export interface SitePrecomputed {
  site: Vec3;
  tree: ImageTree;
  edges: SiteEdges | null;
  combined?: SiteCombined | null;
  /** Reflection paths use tree nodes up to this depth (default: all; the tree is deeper when RD or scattering needs it). */
  reflectionOrder?: number;
  /** Diffuse scattering: the tiles the site lights (illumination.ts), set by the tracer. */
  illumination?: SiteIllumination | null;
}

/** `reach`: culling radius of max_range_m (range.ts): the surfaces and edges farther from the site are left out. */
export function precomputeSite(fs: FlatScene, scene: Scene, site: Vec3, settings: SearchSettings, reach = Infinity): SitePrecomputed {
  // RD needs the first-order images even when reflections alone are off; scattering after k reflections needs
  // the surfaces the candidate rays hit after them, the nodes of depth k + 1.
  let order = settings.diffraction && settings.diffractionReflections ? Math.max(1, settings.maxReflectionOrder) : settings.maxReflectionOrder;
  if (settings.scatterReflections !== undefined) order = Math.max(order, settings.scatterReflections + 1);
  const tree = pruneTree(fs, buildImageTree(fs, site, order, settings.candidateRays ?? DEFAULT_CANDIDATE_RAYS), reach);
  const edges = settings.diffraction ? buildSiteEdges(fs, scene.edges, site, reach) : null;
  const combined = edges && settings.diffractionReflections ? buildSiteCombined(fs, tree, edges, reach) : null;
  return { site, tree, edges, combined, reflectionOrder: settings.maxReflectionOrder };
}

const pts = new Float64Array(3 * 8);
const q = new Float64Array(3);

/** Every path between the site and receiver r: LOS first, reflections in tree order, diffractions by edge id, then RD and DR (`view`: see findDR). */
export function findPaths(fs: FlatScene, sp: SitePrecomputed, r: Vec3, view: View | null = null): PropagationPath[] {
  const [sx, sy, sz] = sp.site;
  const [rx, ry, rz] = r;
  const out: PropagationPath[] = [];
  if (!segmentBlocked(fs, sx, sy, sz, rx - sx, ry - sy, rz - sz, 0, 1, -1, -1)) out.push({ vertices: [[sx, sy, sz], [rx, ry, rz]], kinds: [], ids: [] });

  const tree = sp.tree;
  const maxDepth = sp.reflectionOrder ?? Infinity;
  for (let n = 1; n < tree.count; n++) {
    if (tree.depth[n] > maxDepth) continue;
    if (!reflectionPoints(fs, tree, n, rx, ry, rz, pts)) continue;
    if (reflectedPathBlocked(fs, tree, n, rx, ry, rz, pts)) continue;
    const k = tree.depth[n];
    const vertices: Vec3[] = [[sx, sy, sz]];
    for (let j = 0; j < k; j++) vertices.push([pts[3 * j], pts[3 * j + 1], pts[3 * j + 2]]);
    vertices.push([rx, ry, rz]);
    const ids = new Array<number>(k);
    for (let m = n; m > 0; m = tree.parent[m]) ids[tree.depth[m] - 1] = tree.surface[m];
    out.push({ vertices, kinds: new Array(k).fill('R'), ids });
  }

  const se = sp.edges;
  if (se) {
    for (let j = 0; j < se.seen.length; j++) {
      const e = se.seen[j];
      if (!diffractedPath(fs, se, e, sx, sy, sz, rx, ry, rz, q)) continue;
      out.push({ vertices: [[sx, sy, sz], [q[0], q[1], q[2]], [rx, ry, rz]], kinds: ['D'], ids: [e] });
    }
    const sc = sp.combined;
    if (sc) {
      for (const h of findRD(fs, tree, se, sc, rx, ry, rz)) out.push({ vertices: [[sx, sy, sz], h.p, h.q, [rx, ry, rz]], kinds: ['R', 'D'], ids: [h.surface, h.edge] });
      for (const h of findDR(fs, tree, se, sc, rx, ry, rz, view)) out.push({ vertices: [[sx, sy, sz], h.q, h.p, [rx, ry, rz]], kinds: ['D', 'R'], ids: [h.edge, h.surface] });
    }
  }
  return out;
}
