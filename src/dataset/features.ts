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
 * Features of every sample for one constellation into `features` (samples x sites.length x 8) and the
 * number of its sites heard into `heardCount`.
 */
export function fillFeatures(links: Links, sites: number[], sentinel: Sentinel, features: Float32Array, heardCount: Int32Array): void {
  const n = links.sites.length;
  const slots = sites.map((id) => {
    const i = links.sites.findIndex((s) => s.id === id);
    if (i < 0) throw new UserError(`links.arrow has no site ${id} (its sites: ${links.sites.map((s) => s.id).join(', ')}); rerun "simgen raytrace"`);
    return i;
  });
  const width = sites.length * FEATURES_PER_SITE;
  for (let s = 0; s < links.samples; s++) {
    let heard = 0;
    for (let j = 0; j < slots.length; j++) {
      const i = slots[j];
      const l = s * n + i;
      const o = s * width + j * FEATURES_PER_SITE;
      const site = links.sites[i];
      if (links.heard[l]) {
        const p = links.rxPowerDbm[l], t = links.tofNs[l], az = links.azimuthQDeg[l], el = links.elevationQDeg[l];
        if (!Number.isFinite(p) || !Number.isFinite(t) || !Number.isFinite(az) || !Number.isFinite(el))
          throw new UserError(`links.arrow: trajectory ${links.trajectoryId[s]} sample ${links.sample[s]} site ${site.id} is heard but has no power/ToF/AoA; rerun "simgen raytrace"`);
        const [ux, uy, uz] = aoaUnitVector(az, el);
        features[o] = p;
        features[o + 1] = t;
        features[o + 2] = ux;
        features[o + 3] = uy;
        features[o + 4] = uz;
        heard++;
      } else {
        features[o] = sentinel.rx_power_dbm;
        features[o + 1] = sentinel.tof_ns;
        features[o + 2] = sentinel.aoa[0];
        features[o + 3] = sentinel.aoa[1];
        features[o + 4] = sentinel.aoa[2];
      }
      features[o + 5] = site.x;
      features[o + 6] = site.y;
      features[o + 7] = site.z;
    }
    heardCount[s] = heard;
  }
}
