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
 * One colour per site for best-server maps, 24 before they repeat. The first seven are Okabe and Ito's
 * colour-blind-safe set ("Color Universal Design", 2002; black left out: the site dots are black), so a
 * constellation of seven sites stays readable to most colour-blind readers. The other 17 were chosen as Glasbey
 * et al. choose categorical colours ("Colour displays for categorical images", Color Res. Appl. 32(4), 2007):
 * one at a time, the sRGB colour (a 17-step grid, CIELAB lightness 30-88, chroma 25-70: no greys, no neon)
 * farthest in CIELAB (Delta E*ab) from every colour already taken and from white, black, the not-heard grey and
 * the building grey. Any two of the 24 are >= 26 Delta E apart (tab20's first 18, used before: 16.6).
 */
const SITE_COLOURS: Rgb[] = [
  [0x00, 0x72, 0xb2], [0xe6, 0x9f, 0x00], [0x00, 0x9e, 0x73], [0xcc, 0x79, 0xa7], [0xd5, 0x5e, 0x00], [0x56, 0xb4, 0xe9],
  [0xf0, 0xe4, 0x42], [0x66, 0x77, 0x00], [0xaa, 0x00, 0x33], [0x66, 0x33, 0x99], [0x88, 0xdd, 0x66], [0xff, 0xaa, 0x88],
  [0x77, 0x44, 0x11], [0x55, 0xee, 0xee], [0xaa, 0x99, 0xff], [0xcc, 0xcc, 0x88], [0xaa, 0x00, 0x77], [0x22, 0x55, 0x22],
  [0x00, 0x88, 0x22], [0x00, 0xee, 0xaa], [0x77, 0x33, 0x44], [0xff, 0x77, 0xdd], [0xff, 0x77, 0x88], [0x11, 0x77, 0x77],
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
