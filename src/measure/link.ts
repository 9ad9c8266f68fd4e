import { directionAzEl, makeManifold, type Manifold } from '../channel/array.ts';
import { clusterDiffuse, type ClusterStats, emptyClusterStats } from '../channel/diffuse-clusters.ts';
import { ChannelBuilder, dopplerHz, type LinkChannel, velocity } from '../channel/link-channel.ts';
import { SPEED_OF_LIGHT } from '../radio/field.ts';
import { type LinkTracer, makeLinkTracer } from '../raytrace/index.ts';
import type { Scenario } from '../scenario/load.ts';
import type { NrSrsSpec } from '../scenario/measurement.ts';
import type { Vec3 } from '../scene/types.ts';
import { UserError } from '../util/errors.ts';
import { itemKey, NormalStream } from '../util/gaussian.ts';
import { measureConfig, type MeasureConfig } from './config.ts';
import { Estimator, emptyMeasurement, type LinkMeasurement, type SiteImpairments } from './estimate.ts';
import { STREAM_FADING } from './noise.ts';

// One block of receivers measured against every site: the same path search and link evaluation as
// `simgen raytrace` (so the ideal values equal links.arrow's), the diffuse contributions recorded tile by tile,
// each link's channel built from its specular paths and diffuse clusters (src/channel), and the gNB's estimates
// (estimate.ts). The same code runs in every worker; a block's numbers depend only on its receivers and the
// scenario's seed (every random draw is keyed by the link: trajectory, sample, site).

/** RSRP reports start at -156 dBm (TS 38.133's RSRP report mapping); a detected link's estimate is floored there. */
export const RSRP_FLOOR_DBM = -156;

export interface MeasureContext {
  scenario: Scenario;
  tracer: LinkTracer;
  cfg: MeasureConfig;
  manifold: Manifold;
  estimator: Estimator;
  impairments: SiteImpairments[];
  builder: ChannelBuilder;
  fading: NormalStream;
  stats: ClusterStats;
}

/** The per-site fixed impairments: a timing offset and per-element phase errors (none when their deviations are 0). */
export function siteImpairments(cfg: MeasureConfig, siteId: number, elements: number, seed: number): SiteImpairments {
  const s = new NormalStream(itemKey(seed, `measure/site/${siteId}`), 0);
  const timingOffsetS = cfg.timingErrorS > 0 ? cfg.timingErrorS * s.next() : 0;
  if (!(cfg.phaseErrorRad > 0)) return { timingOffsetS, phaseRe: null, phaseIm: null };
  const phaseRe = new Float64Array(elements), phaseIm = new Float64Array(elements);
  for (let m = 0; m < elements; m++) {
    const e = cfg.phaseErrorRad * s.next();
    phaseRe[m] = Math.cos(e);
    phaseIm[m] = Math.sin(e);
  }
  return { timingOffsetS, phaseRe, phaseIm };
}

/** The nr-srs settings of a scenario; a UserError when its measurement model is not nr-srs. */
export function srsOf(scenario: Scenario): NrSrsSpec {
  const m = scenario.measurement;
  if (m.model !== 'nr-srs') throw new UserError(`scenario ${scenario.name}: field "measurement.model" is "${m.model}": nothing to measure (set measurement: { model: nr-srs })`);
  return m.srs;
}

/** Everything a worker needs: the tracer with every site precomputed (seconds), the estimators. */
export async function makeMeasureContext(scenario: Scenario): Promise<MeasureContext> {
  const r = scenario.raytrace;
  const manifold = makeManifold(r.array, r.carrierFreqHz);
  const cfg = measureConfig(srsOf(scenario), r.carrierFreqHz, r.txPowerDbm, manifold.elements);
  const tracer = await makeLinkTracer(scenario, { coarseCellDeg: cfg.clusters.coarseCellDeg, floorRx: cfg.clusters.fineFloorRx });
  return {
    scenario, tracer, cfg, manifold, estimator: new Estimator(cfg, manifold),
    impairments: tracer.sites.map((s) => siteImpairments(cfg, s.id, manifold.elements, scenario.seed)),
    builder: new ChannelBuilder(), fading: new NormalStream(), stats: emptyClusterStats(),
  };
}

/** A block's columns, row = receiver * sites + site (sites in ascending id). */
export interface MeasureColumns {
  los: Uint8Array;
  los_delay_ns: Float64Array;
  los_azimuth_deg: Float64Array;
  los_elevation_deg: Float64Array;
  ideal_heard: Uint8Array;
  ideal_rx_power_dbm: Float64Array;
  ideal_tof_ns: Float64Array;
  ideal_aoa_azimuth_deg: Float64Array;
  ideal_aoa_elevation_deg: Float64Array;
  snr_db: Float64Array;
  specular_paths: Int32Array;
  diffuse_clusters: Int32Array;
  detected: Uint8Array;
  false_alarm: Uint8Array;
  toa_ns: Float64Array;
  aoa_azimuth_deg: Float64Array;
  aoa_elevation_deg: Float64Array;
  rsrp_dbm: Float64Array;
  rx_power_dbm: Float64Array;
}

function emptyColumns(n: number): MeasureColumns {
  const f = () => new Float64Array(n).fill(NaN);
  return {
    los: new Uint8Array(n), los_delay_ns: f(), los_azimuth_deg: f(), los_elevation_deg: f(),
    ideal_heard: new Uint8Array(n), ideal_rx_power_dbm: f(), ideal_tof_ns: f(), ideal_aoa_azimuth_deg: f(), ideal_aoa_elevation_deg: f(),
    snr_db: f(), specular_paths: new Int32Array(n), diffuse_clusters: new Int32Array(n),
    detected: new Uint8Array(n), false_alarm: new Uint8Array(n), toa_ns: f(), aoa_azimuth_deg: f(), aoa_elevation_deg: f(), rsrp_dbm: f(), rx_power_dbm: f(),
  };
}

/** The key of a link's random draws: the scenario seed and the link's trajectory, sample and site. */
export const linkKey = (seed: number, trajectoryId: number, sample: number, siteId: number) => itemKey(seed, `measure/${trajectoryId}/${sample}/${siteId}`);

/** What measureBlock hands an observer for each link: the channel it measured (valid during the call). */
export interface MeasuredLink {
  row: number;
  site: number;
  channel: LinkChannel;
  losDelayS: number;
  key: readonly number[];
  measurement: LinkMeasurement;
}

/**
 * Measures receivers (x, y, z triples, with their trajectory ids, samples, speeds and headings) against every
 * site of the context; `observe` sees every link's channel and measurement (the checks against the reference).
 */
export function measureBlock(
  ctx: MeasureContext, xyz: Float64Array, trajectoryId: Int32Array, sample: Int32Array, speed: Float64Array, heading: Float64Array, observe?: (link: MeasuredLink) => void,
): MeasureColumns {
  const { tracer: t, cfg, builder: ch } = ctx;
  const nr = xyz.length / 3, ns = t.sites.length;
  const L = emptyColumns(nr * ns);
  const out = emptyMeasurement();
  const noiseDbm = 10 * Math.log10(cfg.noiseBandW * 1000);
  for (let r = 0; r < nr; r++) {
    const rx: Vec3 = [xyz[3 * r], xyz[3 * r + 1], xyz[3 * r + 2]];
    const v = velocity(speed[r], heading[r]);
    const traced = t.trace(rx);
    for (let s = 0; s < ns; s++) {
      const row = r * ns + s;
      const site = t.sites[s];
      const { result: ideal, specular: paths } = traced.links[s];
      const [dx, dy, dz] = [rx[0] - site.position[0], rx[1] - site.position[1], rx[2] - site.position[2]];
      const losLength = Math.hypot(dx, dy, dz);
      const [losAz, losEl] = directionAzEl(dx, dy, dz);
      L.los[row] = ideal.los ? 1 : 0;
      L.los_delay_ns[row] = (losLength / SPEED_OF_LIGHT) * 1e9;
      L.los_azimuth_deg[row] = ((((losAz * 180) / Math.PI) % 360) + 360) % 360;
      L.los_elevation_deg[row] = (losEl * 180) / Math.PI;
      L.ideal_heard[row] = ideal.heard ? 1 : 0;
      L.ideal_rx_power_dbm[row] = ideal.rxPowerDbm;
      L.ideal_tof_ns[row] = ideal.tofNs;
      L.ideal_aoa_azimuth_deg[row] = ideal.aoaAzimuthDeg;
      L.ideal_aoa_elevation_deg[row] = ideal.aoaElevationDeg;
      L.snr_db[row] = ideal.rxPowerDbm - noiseDbm;

      // The link's channel: specular paths with their traced amplitudes, diffuse clusters from the record.
      ch.reset();
      let strongest = 0;
      for (const p of paths) {
        strongest = Math.max(strongest, p.gain * p.arrayGain);
        const [az, el] = directionAzEl(p.siteDir[0], p.siteDir[1], p.siteDir[2]);
        ch.add(p.delayS, p.re, p.im, az, el, dopplerHz(v, p.ueDir[0], p.ueDir[1], p.ueDir[2], cfg.wavelength));
      }
      const specular = ch.count;
      const key = linkKey(ctx.scenario.seed, trajectoryId[r], sample[r], site.id);
      if (traced.record && traced.bySite) {
        const bySite = traced.bySite;
        ctx.fading.seed(key, STREAM_FADING);
        clusterDiffuse(traced.record, s, bySite.order, bySite.start[s], bySite.start[s + 1], losLength, strongest, cfg.clusters, v, cfg.wavelength, ctx.fading, ch, ctx.stats);
      }
      L.specular_paths[row] = specular;
      L.diffuse_clusters[row] = ch.count - specular;

      ctx.estimator.measure(ch, site.orientation, ctx.impairments[s], losLength / SPEED_OF_LIGHT, key, out);
      observe?.({ row, site: s, channel: ch, losDelayS: losLength / SPEED_OF_LIGHT, key, measurement: out });
      L.detected[row] = out.detected ? 1 : 0;
      L.false_alarm[row] = out.falseAlarm ? 1 : 0;
      if (out.detected) {
        L.toa_ns[row] = out.toaS * 1e9;
        let az = (out.azRad * 180) / Math.PI;
        if (az < 0) az += 360;
        L.aoa_azimuth_deg[row] = az >= 360 ? az - 360 : az;
        L.aoa_elevation_deg[row] = (out.elRad * 180) / Math.PI;
        const rsrpDbm = Math.max(RSRP_FLOOR_DBM, out.rsrpW > 0 ? 10 * Math.log10(out.rsrpW * 1000) : -Infinity);
        L.rsrp_dbm[row] = rsrpDbm;
        L.rx_power_dbm[row] = rsrpDbm + 10 * Math.log10(cfg.n);
      }
    }
  }
  return L;
}
