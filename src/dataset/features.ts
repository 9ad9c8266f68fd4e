import { UserError } from '../util/errors.ts';
import type { Links } from './inputs.ts';

// The paper's input vector (IV-A): per active gNB, in ascending site id,
// [received power, ToF, AoA unit vector x, y, z, gNB position x, y, z]; 7 gNBs x 8 = 56 values.

export const SITE_FEATURES = ['rx_power_dbm', 'tof_ns', 'aoa_x', 'aoa_y', 'aoa_z', 'site_x', 'site_y', 'site_z'] as const;
export const FEATURES_PER_SITE = SITE_FEATURES.length;

/**
 * TR 38.901's element pattern floors at 30 dB below its peak (front-back ratio), so a heard link
 * (path loss <= cutoff) arrives above tx - cutoff - 30 dB; the sentinel sits at that floor.
 */
export const SENTINEL_MARGIN_DB = 30;

/** Values written for a site that is not heard (it keeps its position). */
export interface Sentinel {
  rx_power_dbm: number;
  tof_ns: number;
  aoa: [number, number, number];
}

export function sentinelFor(ueTxPowerDbm: number, pathLossCutoffDb: number): Sentinel {
  return { rx_power_dbm: ueTxPowerDbm - pathLossCutoffDb - SENTINEL_MARGIN_DB, tof_ns: 0, aoa: [0, 0, 0] };
}

/** Feature names, slot by slot: gnb1_rx_power_dbm ... gnb7_site_z. Slot j is the j-th lowest site id. */
export function featureLayout(size: number): string[] {
  const names: string[] = [];
  for (let j = 1; j <= size; j++) for (const f of SITE_FEATURES) names.push(`gnb${j}_${f}`);
  return names;
}

const RAD = Math.PI / 180;

/** Direction of arrival as a unit vector (azimuth from +x counter-clockwise, elevation from horizontal). */
export function aoaUnitVector(azimuthDeg: number, elevationDeg: number): [number, number, number] {
  const ce = Math.cos(elevationDeg * RAD);
  return [ce * Math.cos(azimuthDeg * RAD), ce * Math.sin(azimuthDeg * RAD), Math.sin(elevationDeg * RAD)];
}

/**
 * The 8 values of one (sample, site) into out[o .. o + 8): power, ToF, AoA unit vector, site position; the
 * sentinel when the site is not heard. `i` is the site's index in links.sites. Returns 1 when heard, else 0.
 */
export function siteFeaturesInto(links: Links, s: number, i: number, sentinel: Sentinel, out: Float32Array, o: number): number {
  const l = s * links.sites.length + i;
  const site = links.sites[i];
  let heard = 0;
  if (links.heard[l]) {
    const p = links.rxPowerDbm[l], t = links.tofNs[l], az = links.azimuthQDeg[l], el = links.elevationQDeg[l];
    if (!Number.isFinite(p) || !Number.isFinite(t) || !Number.isFinite(az) || !Number.isFinite(el))
      throw new UserError(`links.arrow: trajectory ${links.trajectoryId[s]} sample ${links.sample[s]} site ${site.id} is heard but has no power/ToF/AoA; rerun "simgen raytrace"`);
    const [ux, uy, uz] = aoaUnitVector(az, el);
    out[o] = p;
    out[o + 1] = t;
    out[o + 2] = ux;
    out[o + 3] = uy;
    out[o + 4] = uz;
    heard = 1;
  } else {
    out[o] = sentinel.rx_power_dbm;
    out[o + 1] = sentinel.tof_ns;
    out[o + 2] = sentinel.aoa[0];
    out[o + 3] = sentinel.aoa[1];
    out[o + 4] = sentinel.aoa[2];
  }
  out[o + 5] = site.x;
  out[o + 6] = site.y;
  out[o + 7] = site.z;
  return heard;
}

/** Index of each site id in links.sites; a UserError for a site links.arrow does not have. */
export function siteIndices(links: Links, sites: number[]): number[] {
  return sites.map((id) => {
    const i = links.sites.findIndex((s) => s.id === id);
    if (i < 0) throw new UserError(`links.arrow has no site ${id} (its sites: ${links.sites.map((s) => s.id).join(', ')}); rerun "simgen raytrace"`);
    return i;
  });
}

/**
 * Features of every sample for one constellation into `features` (samples x sites.length x 8) and the
 * number of its sites heard into `heardCount`.
 */
export function fillFeatures(links: Links, sites: number[], sentinel: Sentinel, features: Float32Array, heardCount: Int32Array): void {
  const slots = siteIndices(links, sites);
  const width = sites.length * FEATURES_PER_SITE;
  for (let s = 0; s < links.samples; s++) {
    let heard = 0;
    for (let j = 0; j < slots.length; j++) heard += siteFeaturesInto(links, s, slots[j], sentinel, features, s * width + j * FEATURES_PER_SITE);
    heardCount[s] = heard;
  }
}

/** Where one site slot's values sit in a feature vector (indices into it), read from the feature layout. */
export interface SiteSlot {
  rxPowerDbm: number;
  tofNs: number;
  aoa: [number, number, number];
  site: [number, number, number];
}

/**
 * The site slots of a feature layout (dataset.arrow's `feature_layout`): every `gnbJ_<name>` group that has all
 * of SITE_FEATURES, in slot order. Any dataset in the paper's per-site layout fits, ideal links or measurements
 * (nr-srs puts its ToA where ToF stands), whatever the order of the names; a layout without them is refused.
 */
export function siteSlots(layout: string[]): SiteSlot[] {
  const slots = new Map<number, Map<string, number>>();
  layout.forEach((name, i) => {
    const m = /^gnb(\d+)_(.+)$/.exec(name);
    if (!m) return;
    const slot = slots.get(Number(m[1])) ?? new Map<string, number>();
    slot.set(m[2], i);
    slots.set(Number(m[1]), slot);
  });
  const complete = [...slots].filter(([, s]) => SITE_FEATURES.every((f) => s.has(f))).sort(([a], [b]) => a - b);
  if (complete.length === 0) throw new UserError(`the feature layout has no site slot with all of gnbJ_${SITE_FEATURES.join(', gnbJ_')} (got ${layout.slice(0, 8).join(', ')}${layout.length > 8 ? ', ...' : ''})`);
  return complete.map(([, s]) => {
    const at = (f: (typeof SITE_FEATURES)[number]) => s.get(f)!;
    return { rxPowerDbm: at('rx_power_dbm'), tofNs: at('tof_ns'), aoa: [at('aoa_x'), at('aoa_y'), at('aoa_z')], site: [at('site_x'), at('site_y'), at('site_z')] };
  });
}
