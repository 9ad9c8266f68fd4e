import type { ErrorGroup } from '../measure/report.ts';
import { barSvg } from '../viz/bar-svg.ts';
import { cdfSvg } from '../viz/cdf-svg.ts';
import { type LineSeries, lineSvg } from '../viz/line-svg.ts';
import type { ReportConstellation, ReportLinks } from './read.ts';
import { binnedMedians, ecdf, fitPathLoss, losShareByBin, normalCdf, summarize } from './statistics.ts';
import {
  type LinkState, type LogNormal, UMI_SHADOW_FADING_DB, umiAzimuthSpread, umiDelaySpread, umiLosProbability, umiPathLossDb, umiZenithSpread,
} from './tr38901.ts';

// The report's figures: each one an SVG, a caption saying which links it uses and how many, and its numbers
// (for report.json). Pure functions of the links read (read.ts): the same run gives the same bytes.

export interface Figure {
  id: string;
  title: string;
  /** SVG files of the figure (name -> content), in display order. */
  svgs: [string, string][];
  caption: string;
  /** One line for the command's summary: the figure's main numbers. */
  summary: string;
  numbers: Record<string, unknown>;
}

const STATES: LinkState[] = ['LOS', 'NLOS'];
const COLORS = { LOS: '#0072B2', NLOS: '#D55E00' } as const;
const REF_COLORS = { LOS: '#56B4E9', NLOS: '#E69F00' } as const;
const r4 = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(4)) : v === Infinity ? 'Infinity' : null);
const pts = (p: Array<[number, number]>) => p.map(([x, y]) => [r4(x), r4(y)]);
const pct = (v: number) => `${(100 * v).toFixed(1)} %`;
const f1 = (v: number) => v.toFixed(1);

/** Per-link geometry: 2D / 3D distance to the site and heights. */
export interface LinkGeometry {
  d2d: Float64Array;
  d3d: Float64Array;
  hBs: Float64Array;
}

export function linkGeometry(L: ReportLinks): LinkGeometry {
  const site = new Map(L.sites.map((s) => [s.id, s]));
  const d2d = new Float64Array(L.rows), d3d = new Float64Array(L.rows), hBs = new Float64Array(L.rows);
  for (let i = 0; i < L.rows; i++) {
    const s = site.get(L.siteId[i])!;
    d2d[i] = Math.hypot(L.x[i] - s.x, L.y[i] - s.y);
    d3d[i] = Math.hypot(L.x[i] - s.x, L.y[i] - s.y, L.z[i] - s.z);
    hBs[i] = s.z;
  }
  return { d2d, d3d, hBs };
}

const median = (a: ArrayLike<number>) => summarize(Array.from(a)).median;

/** Every k-th index of `idx` so that at most `max` remain (deterministic thinning for a readable scatter). */
function thin(idx: number[], max: number): number[] {
  const k = Math.max(1, Math.ceil(idx.length / max));
  return idx.filter((_, j) => j % k === 0);
}

/** Log-spaced values from lo to hi. */
function logGrid(lo: number, hi: number, n: number): number[] {
  return Array.from({ length: n }, (_, k) => lo * (hi / lo) ** (k / (n - 1)));
}

const PL_EDGES = [10, 25, 50, 100, 200, 400, 800, 1e9];

/** Figure 1: path loss against 3D distance. */
export function pathLossFigure(L: ReportLinks, g: LinkGeometry): Figure {
  const f = L.carrierFreqHz;
  const hBs = median(g.hBs), hUt = median(L.z);
  const idx: Record<LinkState, number[]> = { LOS: [], NLOS: [] };
  for (let i = 0; i < L.rows; i++) if (L.numPaths[i] > 0 && g.d2d[i] >= 10) idx[L.los[i] ? 'LOS' : 'NLOS'].push(i);
  const numbers: Record<string, unknown> = { carrier_freq_hz: f, model_heights_m: { bs: hBs, ut: hUt }, links: {} };
  const series: LineSeries[] = [];
  let dMax = 10;
  for (const s of STATES) for (const i of idx[s]) dMax = Math.max(dMax, g.d3d[i]);
  const grid = logGrid(10, dMax, 60);
  const per: Record<string, unknown> = {};
  const fits = {} as Record<LinkState, ReturnType<typeof fitPathLoss>>;
  for (const s of STATES) {
    const I = idx[s];
    const d = I.map((i) => g.d3d[i]), pl = I.map((i) => L.pathLossDb[i]);
    const fit = fitPathLoss(d, pl);
    fits[s] = fit;
    const dev = I.map((i) => L.pathLossDb[i] - umiPathLossDb(s, g.d3d[i], f, g.hBs[i], L.z[i]));
    const devHeard = I.filter((i) => L.heard[i]).map((i) => L.pathLossDb[i] - umiPathLossDb(s, g.d3d[i], f, g.hBs[i], L.z[i]));
    const bins = binnedMedians(d, dev, PL_EDGES).map((b) => ({ from_m: b.lo, to_m: b.hi >= 1e9 ? null : b.hi, links: b.value.n, median_deviation_db: r4(b.value.median) }));
    per[s] = {
      links: I.length,
      fit: { intercept_db: r4(fit.interceptDb), exponent: r4(fit.exponent), sigma_db: r4(fit.sigmaDb) },
      tr38901_shadow_fading_db: UMI_SHADOW_FADING_DB[s],
      deviation_db: roundSummary(summarize(dev)),
      deviation_heard_db: roundSummary(summarize(devHeard)),
      deviation_by_distance: bins,
    };
    series.push({ name: `${s} links (${thin(I, 2500).length} of ${I.length} shown)`, points: thin(I, 2500).map((i) => [g.d3d[i], L.pathLossDb[i]]), color: COLORS[s], line: false, markerRadius: 1.4, markerOpacity: 0.35 });
    const model = grid.map((x) => [x, umiPathLossDb(s, x, f, hBs, hUt)] as [number, number]);
    const sf = UMI_SHADOW_FADING_DB[s];
    series.push({ name: `38.901 UMi ${s}`, points: model, color: REF_COLORS[s], markers: false });
    series.push({ name: `38.901 ${s} ± ${sf} dB`, points: model.map(([x, y]) => [x, y + sf]), color: REF_COLORS[s], dashed: true, markers: false });
    series.push({ name: '', legend: false, points: model.map(([x, y]) => [x, y - sf]), color: REF_COLORS[s], dashed: true, markers: false });
    if (Number.isFinite(fit.exponent))
      series.push({ name: `fit ${s}: ${f1(fit.interceptDb)} + ${f1(10 * fit.exponent)} log10 d, σ ${f1(fit.sigmaDb)} dB`, points: grid.map((x) => [x, fit.interceptDb + 10 * fit.exponent * Math.log10(x)]), color: COLORS[s], markers: false });
  }
  numbers.links = per;
  const svg = lineSvg({ title: 'Path loss against 3D distance (links with a path, d2D >= 10 m)', xLabel: '3D distance site-UE (m, log scale)', yLabel: 'path loss (dB)', series, xLog: true, width: 560, height: 440 });
  const dev = (s: LinkState) => per[s] as { deviation_db: { median: number } };
  const caption = `Links with at least one path and a 2D distance of at least 10 m (38.901's range): ${idx.LOS.length} LOS, ${idx.NLOS.length} NLOS, ` +
    `a thinned scatter of each. 38.901 UMi street canyon (Table 7.4.1-1) at ${(f / 1e9).toFixed(1)} GHz for the median heights (site ${f1(hBs)} m, UE ${f1(hUt)} m), ` +
    `with ± its shadow-fading sigma; least-squares fits PL = A + 10 n log10 d. Median deviation (simulated - model, each link against its own heights): ` +
    `LOS ${f1(dev('LOS').deviation_db.median)} dB, NLOS ${f1(dev('NLOS').deviation_db.median)} dB; by distance bin in report.json.`;
  const summary = `path loss: ` + STATES.map((s) => `${s} fit ${f1(fits[s].interceptDb)} + ${f1(10 * fits[s].exponent)} log10 d (σ ${f1(fits[s].sigmaDb)} dB), ${f1(dev(s).deviation_db.median)} dB from 38.901 (median, ${idx[s].length} links)`).join('; ');
  return { id: 'path-loss', title: '1. Path loss against distance', svgs: [['path-loss.svg', svg]], caption, summary, numbers };
}

function roundSummary(s: ReturnType<typeof summarize>) {
  return { links: s.n, median: r4(s.median), q25: r4(s.q25), q75: r4(s.q75), q05: r4(s.q05), q95: r4(s.q95) };
}

/** Mean and standard deviation of log10 of the positive finite values. */
function logStats(v: number[]): { n: number; mu: number; sigma: number } {
  const l = v.filter((x) => x > 0 && Number.isFinite(x)).map(Math.log10);
  const n = l.length;
  const mu = l.reduce((a, b) => a + b, 0) / Math.max(1, n);
  const sigma = Math.sqrt(l.reduce((a, b) => a + (b - mu) ** 2, 0) / Math.max(1, n));
  return { n, mu, sigma };
}

interface SpreadSpec {
  id: string;
  title: string;
  quantity: string;
  unit: string;
  values: Float64Array;
  /** 38.901's log-normal(s) for a link: one for all (DS, ASD) or per link (ZSD). */
  model: (s: LinkState, i: number) => LogNormal;
  perLink: boolean;
  table: string;
  /** Name in the summary line. */
  short: string;
}

/** Figures 2 and 3: CDFs of a spread over the heard links, LOS and NLOS, against 38.901's log-normal. */
function spreadFigure(L: ReportLinks, spec: SpreadSpec): Figure {
  const series: LineSeries[] = [];
  const per: Record<string, unknown> = {};
  const all: number[] = [];
  const idx: Record<LinkState, number[]> = { LOS: [], NLOS: [] };
  for (let i = 0; i < L.rows; i++) if (L.heard[i]) idx[L.los[i] ? 'LOS' : 'NLOS'].push(i);
  for (const s of STATES) for (const i of idx[s]) if (spec.values[i] > 0 && Number.isFinite(spec.values[i])) all.push(spec.values[i]);
  // Axis: decades around the 1-99 % of our spreads (log scale; zero spreads lie left of it).
  all.sort((a, b) => a - b);
  const lo = 10 ** Math.floor(Math.log10(Math.max(1e-3, all.length ? all[Math.floor(0.01 * all.length)] : 1)));
  const hi = Math.max(lo * 100, 10 ** Math.ceil(Math.log10(all.length ? all[Math.min(all.length - 1, Math.floor(0.99 * all.length))] : 10)));
  const grid = logGrid(lo, hi, 80);
  const parts: string[] = [], short: string[] = [];
  for (const s of STATES) {
    const I = idx[s];
    const v = I.map((i) => spec.values[i]);
    const zero = v.filter((x) => x === 0).length, inf = v.filter((x) => x === Infinity).length;
    const st = logStats(v);
    const curve = ecdf(v, 200);
    // The model's CDF: one log-normal, or (ZSD) the mean of every link's own log-normal (thinned to 5000 links).
    const sample = spec.perLink ? thin(I, 5000) : [I[0] ?? 0];
    const models = sample.map((i) => spec.model(s, i));
    const modelCdf = grid.map((x) => [x, models.reduce((a, m) => a + normalCdf(Math.log10(x), m.mu, m.sigma), 0) / Math.max(1, models.length)] as [number, number]);
    const m0 = spec.perLink ? { mu: models.reduce((a, m) => a + m.mu, 0) / Math.max(1, models.length), sigma: models[0]?.sigma ?? NaN } : models[0];
    series.push({ name: `simgen ${s} (${I.length} links)`, points: curve, color: COLORS[s], markers: false });
    series.push({ name: `38.901 UMi ${s}`, points: modelCdf, color: REF_COLORS[s], dashed: true, markers: false });
    const sv = summarize(v), med = sv.median;
    per[s] = {
      links: I.length, zero_spread_links: zero, unbounded_links: inf,
      median: r4(med), q25: r4(sv.q25), q75: r4(sv.q75),
      log10_mean: r4(st.mu), log10_sd: r4(st.sigma),
      tr38901: { log10_mean: r4(m0.mu), log10_sd: r4(m0.sigma), median: r4(10 ** m0.mu) },
      cdf: pts(curve),
    };
    short.push(`${s} median ${med.toPrecision(3)} ${spec.unit} (38.901 ${(10 ** m0.mu).toPrecision(3)})`);
    parts.push(`${s} ${I.length} links (${zero} with one path: spread 0, left of the axis), median ${med.toPrecision(3)} ${spec.unit} against 38.901's ${(10 ** m0.mu).toPrecision(3)} ${spec.unit}` +
      ` (log10 mean ${st.mu.toFixed(2)} / sd ${st.sigma.toFixed(2)} against ${m0.mu.toFixed(2)} / ${m0.sigma.toFixed(2)})`);
  }
  const svg = lineSvg({ title: spec.title, xLabel: `${spec.quantity} (${spec.unit}, log scale)`, yLabel: 'CDF (share of heard links)', series, xLog: true, xRange: [lo, hi], yRange: [0, 1], width: 520, height: 400 });
  const caption = `Heard links (path loss within the cutoff), every path of each link (links.arrow's spread columns; gains without antennas, a diffuse group at its strongest tile). ${parts.join('; ')}. 38.901: ${spec.table}.`;
  return { id: spec.id, title: spec.title, svgs: [[`${spec.id}.svg`, svg]], caption, summary: `${spec.short} (heard links): ${short.join(', ')}`, numbers: per };
}

export function delaySpreadFigure(L: ReportLinks): Figure {
  const f = L.carrierFreqHz;
  return spreadFigure(L, {
    id: 'delay-spread', title: '2. RMS delay spread, heard links', quantity: 'RMS delay spread', unit: 'ns', values: L.delaySpreadNs,
    model: (s) => umiDelaySpread(s, f), perLink: false, short: 'delay spread', table: `Table 7.5-6 Part 1, UMi street canyon lgDS at ${(f / 1e9).toFixed(1)} GHz`,
  });
}

export function angularSpreadFigures(L: ReportLinks, g: LinkGeometry): Figure[] {
  const f = L.carrierFreqHz;
  const asd = spreadFigure(L, {
    id: 'azimuth-spread', title: '3. gNB-side azimuth spread (ASD), heard links', quantity: 'azimuth spread of departure, Annex A.1', unit: 'deg', values: L.azimuthSpreadDeg,
    model: (s) => umiAzimuthSpread(s, f), perLink: false, short: 'azimuth spread', table: `Table 7.5-6 Part 1, UMi street canyon lgASD at ${(f / 1e9).toFixed(1)} GHz; spreads by Annex A.1 (eq. A-1, wrapped angles)`,
  });
  const zsd = spreadFigure(L, {
    id: 'zenith-spread', title: '3b. gNB-side zenith spread (ZSD), heard links', quantity: 'zenith spread of departure, Annex A.1', unit: 'deg', values: L.zenithSpreadDeg,
    model: (s, i) => umiZenithSpread(s, g.d2d[i], g.hBs[i], L.z[i]), perLink: true, short: 'zenith spread', table: 'Table 7.5-7, UMi street canyon lgZSD, which depends on each link\'s distance and heights: the curve is the mean of the links\' own log-normals (the log10 mean quoted is the mean of their means)',
  });
  return [asd, zsd];
}

const LOS_EDGES = [0, 10, 18, 25, 35, 50, 75, 100, 150, 200, 300, 400, 600, 1e9];

/** Figure 4: share of LOS links per 2D-distance bin against 38.901's LOS probability. */
export function losProbabilityFigure(L: ReportLinks, g: LinkGeometry): Figure {
  const bins = losShareByBin(g.d2d, L.los, LOS_EDGES).filter((b) => b.value.n > 0);
  let dMax = 10;
  for (let i = 0; i < L.rows; i++) dMax = Math.max(dMax, g.d2d[i]);
  const mid = (b: { lo: number; hi: number }) => (b.hi >= 1e9 ? Math.max(b.lo * 1.25, (b.lo + dMax) / 2) : (b.lo + b.hi) / 2);
  const grid = Array.from({ length: 121 }, (_, k) => (k * dMax) / 120);
  const series: LineSeries[] = [
    { name: `simgen: share of LOS links per bin (${L.rows} links)`, points: bins.map((b) => [mid(b), b.value.share]), color: COLORS.LOS },
    { name: '38.901 UMi street canyon', points: grid.map((d) => [d, umiLosProbability(d)]), color: REF_COLORS.NLOS, dashed: true, markers: false },
  ];
  const svg = lineSvg({ title: '4. LOS probability against 2D distance', xLabel: '2D distance site-UE (m)', yLabel: 'share of links with line of sight', series, yRange: [0, 1], xFromZero: true, width: 520, height: 380 });
  let los = 0;
  for (let i = 0; i < L.rows; i++) los += L.los[i];
  const numbers = {
    links: L.rows, los_share: r4(los / Math.max(1, L.rows)),
    bins: bins.map((b) => ({ from_m: b.lo, to_m: b.hi >= 1e9 ? null : b.hi, links: b.value.n, los_share: r4(b.value.share), tr38901_at_middle: r4(umiLosProbability(mid(b))) })),
  };
  const caption = `Every link (${L.rows}: each trajectory sample to each site, with or without a path), LOS = the direct path is unobstructed; ${pct(los / Math.max(1, L.rows))} overall. ` +
    `Dots: share per 2D-distance bin (at the bin's middle); 38.901 Table 7.4.2-1 (UMi street canyon) dashed. Our UEs drive on streets, 38.901's are dropped uniformly: a UE in a site's street sees it far beyond 38.901's curve.`;
  const at = (lo: number) => bins.find((b) => b.lo === lo);
  const pick = [18, 50, 100, 200].map(at).filter((b) => b !== undefined).map((b) => `${b!.lo}-${b!.hi} m ${pct(b!.value.share)} (38.901 ${pct(umiLosProbability(mid(b!)))})`);
  const summary = `LOS probability: ${pct(los / Math.max(1, L.rows))} of the links; ${pick.join(', ')}`;
  return { id: 'los-probability', title: '4. LOS probability', svgs: [['los-probability.svg', svg]], caption, summary, numbers };
}

/** Figure 5: share of links heard per site, and share of samples heard by k sites per constellation. */
export function coverageFigure(L: ReportLinks, constellations: ReportConstellation[] | null, firstSites: number[]): Figure {
  const ns = L.sites.length;
  const ids = L.sites.map((s) => s.id);
  const heardPer = new Array<number>(ns).fill(0);
  for (let i = 0; i < L.rows; i++) heardPer[i % ns] += L.heard[i];
  const samples = L.rows / ns;
  const perSite = heardPer.map((h) => h / Math.max(1, samples));
  const svgSites = barSvg({ title: '5a. Share of links heard, per site', xLabel: 'site id', yLabel: 'share of the samples it hears', categories: ids.map(String), groups: [{ name: `heard (${samples} samples each)`, values: perSite, color: COLORS.LOS }], yMax: 1, width: 520, height: 320 });
  const cons = constellations ?? [{ id: 1, sites: firstSites, unseen: false }];
  const col = new Map(ids.map((id, k) => [id, k]));
  const series: LineSeries[] = [];
  const perCons: unknown[] = [];
  for (const c of cons) {
    const ks = c.sites.map((id) => col.get(id)!).filter((k) => k !== undefined);
    const counts = new Array<number>(ks.length + 1).fill(0);
    for (let smp = 0; smp < samples; smp++) {
      let h = 0;
      for (const k of ks) h += L.heard[smp * ns + k];
      counts[h]++;
    }
    const share = counts.map((n) => n / Math.max(1, samples));
    series.push({ name: `#${c.id}${c.unseen ? ' (unseen)' : ''}: ${c.sites.join(',')}`, points: share.map((v, k) => [k, v]) });
    perCons.push({ id: c.id, unseen: c.unseen, sites: c.sites, share_heard_by_k: share.map(r4) });
  }
  const svgK = lineSvg({ title: '5b. Samples heard by k of the constellation\'s sites', xLabel: 'k (sites heard)', yLabel: 'share of samples', series, xTicks: Array.from({ length: Math.max(...cons.map((c) => c.sites.length)) + 1 }, (_, k) => k), yFromZero: true, width: 460, height: 380 });
  const caption = `Links heard (path loss within ${L.cutoffDb} dB) out of every trajectory sample (${samples}) for each of the ${ns} sites; ` +
    `per constellation (${constellations ? 'dataset.arrow\'s' : 'constellation #1 of the scenario; no dataset.arrow'}: ${cons.length}), the share of samples heard by exactly k of its ${cons[0]?.sites.length ?? 0} sites. ` +
    `Median over sites ${pct(summarize(perSite.slice()).median)} heard.`;
  const c1 = perCons[0] as { id: number; share_heard_by_k: number[] } | undefined;
  const atLeast3 = c1 ? c1.share_heard_by_k.slice(3).reduce((a, b) => a + (b as number), 0) : NaN;
  const summary = `coverage: a site hears ${pct(Math.min(...perSite))} to ${pct(Math.max(...perSite))} of the samples (median ${pct(summarize(perSite.slice()).median)}); constellation #${c1?.id}: heard by none ${pct(c1?.share_heard_by_k[0] ?? NaN)}, by >= 3 sites ${pct(atLeast3)}`;
  return { id: 'coverage', title: '5. Coverage', summary, svgs: [['coverage-sites.svg', svgSites], ['coverage-k.svg', svgK]], caption, numbers: { samples, sites: ids.map((id, k) => ({ id, heard_share: r4(perSite[k]) })), constellations: perCons } };
}

/** Figure 6: paths per link, the strongest path's mechanism, the diffuse share. */
export function multipathFigure(L: ReportLinks): Figure {
  const idx: Record<LinkState, number[]> = { LOS: [], NLOS: [] };
  for (let i = 0; i < L.rows; i++) if (L.heard[i]) idx[L.los[i] ? 'LOS' : 'NLOS'].push(i);
  const nPaths: LineSeries[] = [], diffuse: LineSeries[] = [];
  const per: Record<string, unknown> = {};
  const kinds = new Map<string, number[]>();
  STATES.forEach((s, k) => {
    const I = idx[s];
    const np = I.map((i) => L.numPaths[i]), ds = I.map((i) => L.diffuseShare[i]);
    nPaths.push({ name: `${s} (${I.length} heard links)`, points: ecdf(np, 200), color: COLORS[s], markers: false });
    diffuse.push({ name: `${s} (${I.length} heard links)`, points: ecdf(ds, 200), color: COLORS[s], markers: false });
    for (const i of I) {
      const m = L.strongest[i] ?? '(none)';
      if (!kinds.has(m)) kinds.set(m, [0, 0]);
      kinds.get(m)![k]++;
    }
    const sp = summarize(np), sd = summarize(ds);
    per[s] = { links: I.length, paths_per_link: { median: sp.median, q25: sp.q25, q75: sp.q75 }, diffuse_paths_per_link_median: summarize(I.map((i) => L.numDiffuse[i])).median, diffuse_share: { median: r4(sd.median), q25: r4(sd.q25), q75: r4(sd.q75) } };
  });
  const order = [...kinds].sort((a, b) => b[1][0] + b[1][1] - (a[1][0] + a[1][1]) || (a[0] < b[0] ? -1 : 1));
  const shareOf = (k: number) => order.map(([, c]) => c[k] / Math.max(1, idx[STATES[k]].length));
  const svgKinds = barSvg({ title: '6b. Strongest path\'s mechanism, heard links', xLabel: 'interactions of the strongest path (R reflection, D diffraction, S diffuse)', yLabel: 'share of links', categories: order.map(([m]) => m), groups: STATES.map((s, k) => ({ name: `${s} (${idx[s].length})`, values: shareOf(k), color: COLORS[s] })), width: 560, height: 340 });
  const svgPaths = lineSvg({ title: '6a. Paths per link, heard links', xLabel: 'paths (specular + diffuse groups)', yLabel: 'CDF (share of heard links)', series: nPaths, yRange: [0, 1], xFromZero: true, width: 480, height: 360 });
  const svgDiffuse = lineSvg({ title: '6c. Diffuse share of the path gain, heard links', xLabel: 'diffuse paths\' share of the link\'s path gain', yLabel: 'CDF (share of heard links)', series: diffuse, xRange: [0, 1], yRange: [0, 1], width: 480, height: 360 });
  const numbers = { ...per, strongest: order.map(([m, c]) => ({ interactions: m, LOS: c[0], NLOS: c[1] })) };
  const n = idx.LOS.length + idx.NLOS.length;
  const top = order.slice(0, 4).map(([m, c]) => `${m} ${pct((c[0] + c[1]) / Math.max(1, n))}`).join(', ');
  const caption = `Heard links: ${idx.LOS.length} LOS, ${idx.NLOS.length} NLOS. A diffuse path is a group of tiles of one surface lit through one sequence. ` +
    `Median paths per link LOS ${(per.LOS as { paths_per_link: { median: number } }).paths_per_link.median}, NLOS ${(per.NLOS as { paths_per_link: { median: number } }).paths_per_link.median}; ` +
    `strongest path ${top}; median diffuse share NLOS ${pct((per.NLOS as { diffuse_share: { median: number } }).diffuse_share.median)}.`;
  const summary = `multipath (heard links): median paths per link LOS ${(per.LOS as { paths_per_link: { median: number } }).paths_per_link.median}, NLOS ${(per.NLOS as { paths_per_link: { median: number } }).paths_per_link.median}; strongest ${top}; NLOS median diffuse share ${pct((per.NLOS as { diffuse_share: { median: number } }).diffuse_share.median)}`;
  return { id: 'multipath', title: '6. Multipath', summary, svgs: [['paths-per-link.svg', svgPaths], ['strongest-mechanism.svg', svgKinds], ['diffuse-share.svg', svgDiffuse]], caption, numbers };
}

/** Figure 7 (measurements.arrow present): CDFs of the ToA, AoA and power errors, LOS and NLOS. */
export function measurementFigure(groups: ErrorGroup[]): Figure {
  const mk = (pick: (g: ErrorGroup) => number[], abs: boolean) =>
    groups.map((g) => {
      const v = pick(g).map((x) => (abs ? Math.abs(x) : x));
      const c = ecdf(v, 200);
      return { label: `${g.label} (${v.length})`, errorM: c.map((p) => p[0]), probability: c.map((p) => p[1]), meanErrorM: v.reduce((a, b) => a + b, 0) / Math.max(1, v.length) };
    });
  const toa = cdfSvg(mk((g) => g.toaM, false), '7a. ToA error as a range, detected links', { xLabel: '|ToA - d/c| x c (m)', yLabel: 'CDF (share of detected links)', unit: 'm' });
  const aoa = cdfSvg(mk((g) => g.aoaDeg, false), '7b. AoA error, detected links', { xLabel: 'angle between the estimated and the true direction (deg)', yLabel: 'CDF (share of detected links)', unit: 'deg' });
  const pw = cdfSvg(mk((g) => g.rsrpDb, true), '7c. Received power error, detected links', { xLabel: '|measured - ideal received power| (dB)', yLabel: 'CDF (share of detected links)', unit: 'dB' });
  const numbers: Record<string, unknown> = {};
  for (const g of groups)
    numbers[g.label] = { links: g.toaM.length, toa_m: roundSummary(summarize(g.toaM.slice())), aoa_deg: roundSummary(summarize(g.aoaDeg.slice())), power_error_db: roundSummary(summarize(g.rsrpDb.slice())) };
  const caption = `Detected links of measurements.arrow (${groups.map((g) => `${g.label} ${g.toaM.length}`).join(', ')}; false alarms included, as a positioning engine receives them): ` +
    `ToA against the line-of-sight delay, AoA against the direction to the UE, power against links.arrow's ideal value (signed median in report.json).`;
  const med = (g: ErrorGroup, v: number[]) => `${g.label} ${summarize(v.slice()).median.toPrecision(3)}`;
  const summary = `measurements (detected links, medians): ToA range error ${groups.map((g) => med(g, g.toaM)).join(', ')} m; AoA error ${groups.map((g) => med(g, g.aoaDeg)).join(', ')} deg; |power error| ${groups.map((g) => med(g, g.rsrpDb.map(Math.abs))).join(', ')} dB`;
  return { id: 'measurements', title: '7. Measurement errors', summary, svgs: [['toa-error.svg', toa], ['aoa-error.svg', aoa], ['power-error.svg', pw]], caption, numbers };
}
