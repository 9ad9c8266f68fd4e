import { umiLosPathLossDb, umiNlosPathLossDb } from '../src/radio/link-budget.ts';
import { type Summary, summarize } from '../src/report/statistics.ts';
import type { Scenario } from '../src/scenario/load.ts';
import { readArrowFile } from '../src/util/arrow.ts';

// Summary numbers of a links.arrow for the benchmarks: coverage, the path loss against 3GPP TR 38.901 UMi
// street canyon (deviation = simulated - model, LOS links against the LOS model, NLOS links against the
// NLOS model, links with a path and d2D >= 10 m, as the model is specified), how many of constellation #1's
// sites hear each sample, the diffuse share of the power and which kind of path is the strongest. `simgen report`
// (src/report/) draws the same comparison for any run, with its figures.

/** Median, quartiles and 5-95 % (src/report/statistics.ts, the quantiles `simgen report` uses). */
export type Spread = Summary;

export interface LinkStats {
  links: number;
  heard: number;
  noPath: number;
  los: number;
  umi: { LOS: Spread; NLOS: Spread };
  /** NLOS deviation of the heard links only, and of all NLOS links by 3D distance. */
  umiNlosHeard: Spread;
  umiNlosByDistance: [string, Spread][];
  /** Share of constellation #1's samples heard by 0, 1 and >= 3 of its sites (null without a constellation #1). */
  first: { k0: number; k1: number; k3: number } | null;
  /** Median share of the path gain carried by diffuse paths, over the heard NLOS links. */
  diffuseShareNlos: number;
  /** Strongest path kind of the heard links: label -> share. */
  strongest: [string, number][];
}

const spread = summarize;

export function linkStats(file: string, scenario: Scenario): LinkStats {
  const t = readArrowFile(file);
  const sites = new Map<number, { x: number; y: number; z: number }>(JSON.parse(t.schema.metadata.get('sites')!).map((s: { id: number }) => [s.id, s]));
  const col = (c: string) => t.getChild(c)!.toArray() as unknown as number[];
  const [tid, smp, sid, x, y, z, loss, los, heard, np, share] = ['trajectory_id', 'sample', 'site_id', 'x', 'y', 'z', 'path_loss_db', 'los', 'heard', 'num_paths', 'diffuse_share'].map(col);
  const strongestCol = t.getChild('strongest_interactions')!;
  const dev: Record<'LOS' | 'NLOS', number[]> = { LOS: [], NLOS: [] };
  const nlosHeard: number[] = [];
  const BINS: [string, number, number][] = [['10-100 m', 0, 100], ['100-200 m', 100, 200], ['200-400 m', 200, 400], ['> 400 m', 400, Infinity]];
  const byDistance: number[][] = BINS.map(() => []);
  const f = scenario.raytrace.carrierFreqHz;
  const first = new Set(scenario.constellations.first);
  const perSample = new Map<string, number>();
  const shares: number[] = [];
  const kinds = new Map<string, number>();
  let nHeard = 0, noPath = 0, nLos = 0;
  for (let i = 0; i < t.numRows; i++) {
    if (first.has(sid[i])) {
      const key = `${tid[i]}:${smp[i]}`;
      perSample.set(key, (perSample.get(key) ?? 0) + (heard[i] ? 1 : 0));
    }
    if (heard[i]) {
      nHeard++;
      const k = strongestCol.get(i) as string;
      kinds.set(k, (kinds.get(k) ?? 0) + 1);
      if (!los[i]) shares.push(share[i]);
    }
    if (los[i]) nLos++;
    if (np[i] === 0) {
      noPath++;
      continue;
    }
    const s = sites.get(sid[i])!;
    const d3 = Math.hypot(x[i] - s.x, y[i] - s.y, z[i] - s.z);
    if (Math.hypot(x[i] - s.x, y[i] - s.y) < 10) continue;
    if (los[i]) dev.LOS.push(loss[i] - umiLosPathLossDb(d3, f, s.z, z[i]));
    else {
      const d = loss[i] - umiNlosPathLossDb(d3, f, s.z, z[i]);
      dev.NLOS.push(d);
      if (heard[i]) nlosHeard.push(d);
      byDistance[BINS.findIndex(([, lo, hi]) => d3 >= lo && d3 < hi)].push(d);
    }
  }
  const counts = [...perSample.values()];
  const frac = (pred: (k: number) => boolean) => counts.filter(pred).length / Math.max(1, counts.length);
  return {
    links: t.numRows,
    heard: nHeard / t.numRows,
    noPath: noPath / t.numRows,
    los: nLos / t.numRows,
    umi: { LOS: spread(dev.LOS), NLOS: spread(dev.NLOS) },
    umiNlosHeard: spread(nlosHeard),
    umiNlosByDistance: BINS.map(([label], k) => [label, spread(byDistance[k])]),
    first: first.size ? { k0: frac((k) => k === 0), k1: frac((k) => k === 1), k3: frac((k) => k >= 3) } : null,
    diffuseShareNlos: spread(shares).median ?? NaN,
    strongest: [...kinds].sort((a, b) => b[1] - a[1]).map(([k, n]) => [k, n / Math.max(1, nHeard)]),
  };
}

const f1 = (x: number) => x.toFixed(1);
const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

/** The lines bench/raytrace.ts prints for a LinkStats. */
export function formatLinkStats(s: LinkStats): string[] {
  const lines = [`  heard ${pct(s.heard)}, LOS ${pct(s.los)}, no path ${pct(s.noPath)}`];
  for (const k of ['LOS', 'NLOS'] as const) {
    const a = s.umi[k];
    lines.push(`38.901 UMi ${k}: ${a.n} links, deviation (simulated - model) median ${f1(a.median)} dB, quartiles ${f1(a.q25)} / ${f1(a.q75)} dB, 5-95 % ${f1(a.q05)} / ${f1(a.q95)} dB`);
  }
  lines.push(`38.901 UMi NLOS, heard links only: ${s.umiNlosHeard.n} links, median ${f1(s.umiNlosHeard.median)} dB; by distance: ${s.umiNlosByDistance.map(([k, a]) => `${k} ${f1(a.median)} dB (${a.n})`).join(', ')}`);
  if (s.first) lines.push(`constellation #1: samples heard by 0 sites ${pct(s.first.k0)}, by 1 ${pct(s.first.k1)}, by >= 3 ${pct(s.first.k3)}`);
  lines.push(`heard NLOS links: median diffuse share of the path gain ${pct(s.diffuseShareNlos)}`);
  lines.push(`strongest path of the heard links: ${s.strongest.slice(0, 8).map(([k, v]) => `${k} ${pct(v)}`).join(', ')}`);
  return lines;
}
