import { NOT_HEARD, type Rgb, siteColour, viridis } from '../../viz/colormap.ts';
import type { RadioMapOverlay } from '../page-data.ts';

// The radio map as a ground texture: one texel per grid cell (row 0 at the south), transparent where a cell is
// empty (inside a building). The same colours as the PNG images of `simgen radiomap`.

export type OverlayMode = { kind: 'off' } | { kind: 'max'; sites: number[] | null } | { kind: 'site'; site: number } | { kind: 'best'; sites: number[] | null };

export interface DecodedOverlay {
  map: RadioMapOverlay;
  cells: Int32Array;
  levels: Uint8Array;
}

const bytes = (b64: string) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));

export function decodeOverlay(map: RadioMapOverlay): DecodedOverlay {
  const cb = bytes(map.cells);
  return { map, cells: new Int32Array(cb.buffer, cb.byteOffset, cb.byteLength / 4), levels: bytes(map.levels) };
}

/** Level (1..255) to dBm. */
export const levelDbm = (o: RadioMapOverlay, level: number) => o.floorDbm + ((level - 1) / 254) * (o.maxDbm - o.floorDbm);

/** RGBA texels for a mode; null for 'off'. siteIndex: the site's index in the page's site list (best-server colours). */
export function overlayTexels(d: DecodedOverlay, mode: OverlayMode, siteIndex: (id: number) => number): Uint8Array | null {
  if (mode.kind === 'off') return null;
  const { map, cells, levels } = d;
  const ns = map.siteIds.length;
  const columns = (ids: number[] | null) => (ids ?? map.siteIds).map((id) => map.siteIds.indexOf(id)).filter((s) => s >= 0);
  const cols = mode.kind === 'site' ? columns([mode.site]) : columns(mode.sites);
  const rgba = new Uint8Array(4 * map.nx * map.ny);
  cells.forEach((k, n) => {
    let best = -1, level = 0;
    for (const s of cols) if (levels[n * ns + s] > level) {
      level = levels[n * ns + s];
      best = s;
    }
    const c: Rgb = level === 0 ? NOT_HEARD : mode.kind === 'best' ? siteColour(siteIndex(map.siteIds[best])) : viridis((level - 1) / 254);
    rgba.set([c[0], c[1], c[2], 255], 4 * k);
  });
  return rgba;
}
