import { css, type Rgb, viridis } from '../../viz/colormap.ts';
import type { TrackTrace } from '../page-data.ts';

// Path colours, as Sionna RT's previewer draws them: by interaction type (line of sight grey, specular
// reflections blue, diffuse scattering green; diffraction, which Sionna adds as its own type, purple), or by the
// power the path delivers.

export type PathType = 'los' | 'specular' | 'diffraction' | 'diffuse';

export const PATH_TYPES: { type: PathType; label: string; colour: Rgb }[] = [
  { type: 'los', label: 'line of sight', colour: [0x70, 0x70, 0x70] },
  { type: 'specular', label: 'specular reflection (R, RR, RRR)', colour: [0x1f, 0x5f, 0xd6] },
  { type: 'diffraction', label: 'diffraction (D, RD, DR)', colour: [0xa0, 0x40, 0xd0] },
  { type: 'diffuse', label: 'diffuse scattering (S, RS)', colour: [0x2c, 0xa0, 0x2c] },
];

/** The type of an interaction string ("LOS", "RR", "RD", "RS", ...): scattering wins, then diffraction. */
export function pathType(kind: string): PathType {
  if (kind === 'LOS') return 'los';
  if (kind.includes('S')) return 'diffuse';
  if (kind.includes('D')) return 'diffraction';
  return 'specular';
}

export type ColourMode = 'type' | 'power';

export interface PathLines {
  /** Segment end points (x, y, z pairs) and their colours (r, g, b in 0..1). */
  positions: Float32Array;
  colours: Float32Array;
  count: number;
}

/** The line segments of sample s's paths, optionally only those of the given site indices. */
export function pathLines(tr: TrackTrace, s: number, mode: ColourMode, power: { floor: number; max: number }, sites: Set<number> | null): PathLines {
  const pos: number[] = [], col: number[] = [];
  let count = 0;
  for (let p = tr.pathStart[s]; p < tr.pathStart[s + 1]; p++) {
    if (sites && !sites.has(tr.pathSite[p])) continue;
    count++;
    const c = mode === 'type' ? PATH_TYPES.find((t) => t.type === pathType(tr.pathKind[p]))!.colour : viridis((tr.pathPower[p] - power.floor) / (power.max - power.floor));
    for (let v = tr.vertStart[p]; v < tr.vertStart[p + 1] - 1; v++) {
      pos.push(tr.verts[3 * v], tr.verts[3 * v + 1], tr.verts[3 * v + 2], tr.verts[3 * v + 3], tr.verts[3 * v + 4], tr.verts[3 * v + 5]);
      col.push(c[0] / 255, c[1] / 255, c[2] / 255, c[0] / 255, c[1] / 255, c[2] / 255);
    }
  }
  return { positions: Float32Array.from(pos), colours: Float32Array.from(col), count };
}

export { css };
