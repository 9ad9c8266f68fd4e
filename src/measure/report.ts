import path from 'node:path';
import { SPEED_OF_LIGHT } from '../radio/field.ts';
import { readArrowFile } from '../util/arrow.ts';
import { writeFileAtomic } from '../util/atomic.ts';
import { type CdfSeries, cdfSvg } from '../viz/cdf-svg.ts';

// The estimation errors of measurements.arrow, against the geometry a positioning method needs, for the
// detected links (false alarms included, as a positioning engine receives them):
//   ToA: |toa - d/c| as a range, metres (d the site-UE distance);
//   AoA: the angle between the estimated direction and the direction from the site to the UE, degrees;
//   RSRP: |measured - ideal received power| (links.arrow's value), dB.
// Grouped by line of sight and by link-budget SNR, as error CDFs (SVG) and quantiles.

export const SNR_BINS: [number, number][] = [[-Infinity, -10], [-10, 0], [0, 10], [10, Infinity]];
const snrLabel = ([a, b]: [number, number]) => (a === -Infinity ? `SNR < ${b} dB` : b === Infinity ? `SNR >= ${a} dB` : `SNR ${a}..${b} dB`);

export interface ErrorGroup {
  label: string;
  toaM: number[];
  aoaDeg: number[];
  rsrpDb: number[];
}

export interface ErrorQuantiles {
  label: string;
  links: number;
  toa: [number, number, number];
  aoa: [number, number, number];
  rsrp: [number, number, number];
  /** Median signed RSRP error (measured - ideal), dB. */
  rsrpBias: number;
}

/** Empty error groups: LOS, NLOS, then the SNR bins. */
export function emptyErrorGroups(): ErrorGroup[] {
  return [{ label: 'LOS', toaM: [], aoaDeg: [], rsrpDb: [] }, { label: 'NLOS', toaM: [], aoaDeg: [], rsrpDb: [] }, ...SNR_BINS.map((b) => ({ label: snrLabel(b), toaM: [], aoaDeg: [], rsrpDb: [] }))];
}

/** One detected link of measurements.arrow: its measured and line-of-sight values (a missing SNR or ideal power as NaN). */
export interface DetectedLink {
  los: boolean;
  snrDb: number;
  toaNs: number;
  losDelayNs: number;
  azDeg: number;
  elDeg: number;
  losAzDeg: number;
  losElDeg: number;
  rxPowerDbm: number;
  idealRxPowerDbm: number;
}

const RAD = Math.PI / 180;
const unit = (a: number, e: number) => [Math.cos(e * RAD) * Math.cos(a * RAD), Math.cos(e * RAD) * Math.sin(a * RAD), Math.sin(e * RAD)];

/** Adds a detected link's errors to its LOS/NLOS group and its SNR bin (a missing SNR counts as the lowest). */
export function addErrors(groups: ErrorGroup[], l: DetectedLink): void {
  const u = unit(l.azDeg, l.elDeg), v = unit(l.losAzDeg, l.losElDeg);
  const toa = Math.abs(l.toaNs - l.losDelayNs) * 1e-9 * SPEED_OF_LIGHT;
  const aoa = Math.acos(Math.max(-1, Math.min(1, u[0] * v[0] + u[1] * v[1] + u[2] * v[2]))) / RAD;
  const rsrp = l.rxPowerDbm - l.idealRxPowerDbm;
  const s = Number.isNaN(l.snrDb) ? -Infinity : l.snrDb;
  for (const g of [groups[l.los ? 0 : 1], groups[2 + SNR_BINS.findIndex(([a, b]) => s >= a && s < b)]]) {
    g.toaM.push(toa);
    g.aoaDeg.push(aoa);
    if (Number.isFinite(rsrp)) g.rsrpDb.push(rsrp);
  }
}

/** The errors of the detected links of a measurements.arrow, grouped: LOS, NLOS, then the SNR bins. */
export function measurementErrors(file: string): ErrorGroup[] {
  const t = readArrowFile(file, 'measurements.arrow');
  const col = (c: string) => t.getChild(c)!;
  const det = col('detected'), los = col('los'), snr = col('snr_db'), toa = col('toa_ns'), losDelay = col('los_delay_ns');
  const az = col('aoa_azimuth_deg'), el = col('aoa_elevation_deg'), laz = col('los_azimuth_deg'), lel = col('los_elevation_deg');
  const p = col('rx_power_dbm'), ip = col('ideal_rx_power_dbm');
  const groups = emptyErrorGroups();
  for (let i = 0; i < t.numRows; i++) {
    if (!det.get(i)) continue;
    addErrors(groups, {
      los: Boolean(los.get(i)), snrDb: snr.get(i) ?? NaN, toaNs: toa.get(i), losDelayNs: losDelay.get(i), azDeg: az.get(i), elDeg: el.get(i),
      losAzDeg: laz.get(i), losElDeg: lel.get(i), rxPowerDbm: p.get(i), idealRxPowerDbm: ip.get(i) ?? NaN,
    });
  }
  return groups;
}

/** Ascending (a typed array's numeric sort: the comparator's order for these finite values, several times faster). */
const sorted = (a: number[]) => Float64Array.from(a).sort();
const quantile = (s: Float64Array, q: number) => (s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.floor(q * s.length))]);

export function errorQuantiles(groups: ErrorGroup[]): ErrorQuantiles[] {
  return groups.map((g) => {
    const t = sorted(g.toaM), a = sorted(g.aoaDeg), r = sorted(g.rsrpDb.map(Math.abs)), rs = sorted(g.rsrpDb);
    const q3 = (s: Float64Array): [number, number, number] => [quantile(s, 0.5), quantile(s, 0.9), quantile(s, 0.95)];
    return { label: g.label, links: g.toaM.length, toa: q3(t), aoa: q3(a), rsrp: q3(r), rsrpBias: quantile(rs, 0.5) };
  });
}

function series(label: string, values: number[]): CdfSeries {
  const s = sorted(values);
  const n = s.length;
  // At most 400 points a curve: the SVG stays small whatever the link count.
  const step = Math.max(1, Math.floor(n / 400));
  const errorM: number[] = [], probability: number[] = [];
  for (let i = 0; i < n; i += step) {
    errorM.push(s[i]);
    probability.push((i + 1) / n);
  }
  if (n > 0) {
    errorM.push(s[n - 1]);
    probability.push(1);
  }
  return { label, errorM, probability, meanErrorM: n > 0 ? s.reduce((x, y) => x + y, 0) / n : NaN };
}

/** measure-toa.svg, measure-aoa.svg and measure-rsrp.svg next to `file`; returns their paths. */
export function writeErrorFigures(file: string, groups: ErrorGroup[], title: string): string[] {
  const dir = path.dirname(file);
  const figures: [string, (g: ErrorGroup) => number[], string, string][] = [
    ['measure-toa.svg', (g) => g.toaM, 'ToA error as a range, |ToA - d/c| x c (m)', 'm'],
    ['measure-aoa.svg', (g) => g.aoaDeg, 'AoA error: angle to the line-of-sight direction (deg)', 'deg'],
    ['measure-rsrp.svg', (g) => g.rsrpDb.map(Math.abs), 'RSRP error: |measured - ideal received power| (dB)', 'dB'],
  ];
  return figures.map(([name, pick, xLabel, unit]) => {
    const out = path.join(dir, name);
    writeFileAtomic(out, cdfSvg(groups.filter((g) => pick(g).length > 0).map((g) => series(g.label, pick(g))), title, { xLabel, yLabel: 'CDF (share of detected links)', unit }));
    return out;
  });
}
