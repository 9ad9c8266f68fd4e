// Colour maps shared by the PNG images (src/radiomap) and the viewer's page (src/viewer/web): plain data and
// arithmetic, no Node or DOM imports, so both sides draw a value in the same colour.

export type Rgb = [number, number, number];

/** matplotlib's viridis at 11 evenly spaced stops (perceptually uniform, readable in grey and by most colour-blind readers). */
const VIRIDIS: Rgb[] = [
  [0x44, 0x01, 0x54], [0x48, 0x24, 0x75], [0x41, 0x44, 0x87], [0x35, 0x5f, 0x8d], [0x2a, 0x78, 0x8e], [0x21, 0x91, 0x8c],
  [0x22, 0xa8, 0x84], [0x44, 0xbf, 0x70], [0x7a, 0xd1, 0x51], [0xbd, 0xdf, 0x26], [0xfd, 0xe7, 0x25],
];

/** Viridis at t in [0, 1] (clamped), linear between the stops. */
export function viridis(t: number): Rgb {
  const u = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(u));
  const f = u - i;
  const a = VIRIDIS[i], b = VIRIDIS[i + 1];
  return [Math.round(a[0] + f * (b[0] - a[0])), Math.round(a[1] + f * (b[1] - a[1])), Math.round(a[2] + f * (b[2] - a[2]))];
}

/**
 * One colour per site for best-server maps: matplotlib's tab20 without its two greys (grey means "not heard"),
 * the strong shades first, so neighbouring ids differ in hue; repeats after 18.
 */
const SITE_COLOURS: Rgb[] = [
  [0x1f, 0x77, 0xb4], [0xff, 0x7f, 0x0e], [0x2c, 0xa0, 0x2c], [0xd6, 0x27, 0x28], [0x94, 0x67, 0xbd], [0x8c, 0x56, 0x4b],
  [0xe3, 0x77, 0xc2], [0xbc, 0xbd, 0x22], [0x17, 0xbe, 0xcf], [0xae, 0xc7, 0xe8], [0xff, 0xbb, 0x78], [0x98, 0xdf, 0x8a],
  [0xff, 0x98, 0x96], [0xc5, 0xb0, 0xd5], [0xc4, 0x9c, 0x94], [0xf7, 0xb6, 0xd2], [0xdb, 0xdb, 0x8d], [0x9e, 0xda, 0xe5],
];

/** The colour of the site at `index` (its position in the sorted site list). */
export function siteColour(index: number): Rgb {
  return SITE_COLOURS[index % SITE_COLOURS.length];
}

/** Cells with no path, or heard by no site (path loss above the cutoff). */
export const NOT_HEARD: Rgb = [0xe4, 0xe4, 0xe4];

/** Building footprints. */
export const BUILDING: Rgb = [0x4a, 0x4a, 0x4a];

export const css = (c: Rgb): string => `rgb(${c[0]},${c[1]},${c[2]})`;
