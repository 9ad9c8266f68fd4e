import { readArrowFile } from '../util/arrow.ts';
import { UserError } from '../util/errors.ts';
import { checkProvenance, float64, int32, type Links, type LinkSite, metaValue, column } from './inputs.ts';

// Links of any set of sites, to assemble deployments from: links.arrow's sites (read by readLinks) plus
// per-site link files of new sites (src/raytrace/site-links.ts). The result is a Links record like
// readLinks gives, over every site, so that the feature code handles any deployment of them the same way.

/** One per-site link file: its site and, per receiver in (trajectory_id, sample) order, what features need. */
export interface SiteLinks {
  site: LinkSite;
  trajectoryId: Int32Array;
  sample: Int32Array;
  heard: Uint8Array;
  rxPowerDbm: Float64Array;
  tofNs: Float64Array;
  azimuthQDeg: Float64Array;
  elevationQDeg: Float64Array;
}

/** Reads a site's link file; `key` is the input_key it must record (siteLinksKey). */
export function readSiteLinks(file: string, key: string): SiteLinks {
  const t = readArrowFile(file, 'site link file');
  checkProvenance(t, key, file, 'experiment zero-shot');
  const sites = JSON.parse(metaValue(t, 'sites', file)) as LinkSite[];
  if (sites.length !== 1) throw new UserError(`${file}: a site link file holds one site (metadata "sites" lists ${sites.length})`);
  const heard = new Uint8Array(t.numRows);
  let r = 0;
  for (const v of column(t, 'heard', file)) heard[r++] = v ? 1 : 0;
  const { id, x, y, z } = sites[0];
  return {
    site: { id, x, y, z },
    trajectoryId: int32(t, 'trajectory_id', file),
    sample: int32(t, 'sample', file),
    heard,
    rxPowerDbm: float64(t, 'rx_power_dbm', file),
    tofNs: float64(t, 'tof_ns', file),
    azimuthQDeg: float64(t, 'aoa_azimuth_q_deg', file),
    elevationQDeg: float64(t, 'aoa_elevation_q_deg', file),
  };
}

/** `links` with the sites of `extra` added (sites ascending by id, as readLinks orders them). */
export function withSites(links: Links, extra: SiteLinks[]): Links {
  const S = links.samples;
  for (const e of extra) {
    if (e.sample.length !== S) throw new UserError(`site ${e.site.id}: its link file has ${e.sample.length} receivers, links.arrow ${S} (made from other trajectories)`);
    for (let s = 0; s < S; s++)
      if (e.trajectoryId[s] !== links.trajectoryId[s] || e.sample[s] !== links.sample[s])
        throw new UserError(`site ${e.site.id}: its link file's receiver ${s} is trajectory ${e.trajectoryId[s]} sample ${e.sample[s]}, links.arrow's is trajectory ${links.trajectoryId[s]} sample ${links.sample[s]}`);
  }
  const ids = new Set(links.sites.map((s) => s.id));
  for (const e of extra) {
    if (ids.has(e.site.id)) throw new Error(`withSites: site id ${e.site.id} is taken`);
    ids.add(e.site.id);
  }
  // Each site of the result: where its values come from (links.arrow's slot, or an extra file).
  const from = [...links.sites.map((site, i) => ({ site, i, e: undefined as SiteLinks | undefined })), ...extra.map((e) => ({ site: e.site, i: -1, e }))].sort((a, b) => a.site.id - b.site.id);
  const n0 = links.sites.length;
  const n = from.length;
  const heard = new Uint8Array(S * n);
  const rx = new Float64Array(S * n), tof = new Float64Array(S * n), az = new Float64Array(S * n), el = new Float64Array(S * n);
  from.forEach((f, j) => {
    for (let s = 0; s < S; s++) {
      const o = s * n + j;
      if (f.e) {
        heard[o] = f.e.heard[s];
        rx[o] = f.e.rxPowerDbm[s];
        tof[o] = f.e.tofNs[s];
        az[o] = f.e.azimuthQDeg[s];
        el[o] = f.e.elevationQDeg[s];
      } else {
        const l = s * n0 + f.i;
        heard[o] = links.heard[l];
        rx[o] = links.rxPowerDbm[l];
        tof[o] = links.tofNs[l];
        az[o] = links.azimuthQDeg[l];
        el[o] = links.elevationQDeg[l];
      }
    }
  });
  return { ...links, sites: from.map((f) => f.site), heard, rxPowerDbm: rx, tofNs: tof, azimuthQDeg: az, elevationQDeg: el };
}
