import type { ExportResult } from '../dataset/export.ts';
import { leakageLines } from '../dataset/leakage.ts';
import { splitLine } from '../dataset/splits.ts';
import type { MeasureResult } from '../measure/run.ts';
import type { TrajectoriesResult } from '../mobility/trajectories.ts';
import type { RaytraceResult } from '../raytrace/index.ts';
import type { Scenario } from '../scenario/load.ts';
import { shownPath } from '../util/paths.ts';

// What each dataset stage prints when it ends: the same lines from its own command (`simgen raytrace`) and from
// the commands that run it as a missing stage (`simgen train`, `simgen experiment`), so a log of either shows
// what was made.

const pctOf = (k: number, n: number) => `${((100 * k) / Math.max(1, n)).toFixed(1)} %`;

export function trajectoriesSummary(scenario: Scenario, r: TrajectoriesResult, seconds: number): string[] {
  const count = (split: string) => r.tracks.filter((t) => t.split === split).reduce((n, t) => n + t.samples.length, 0);
  const all = r.tracks.flatMap((t) => t.samples);
  const meanKmh = (all.reduce((s, x) => s + x.speed, 0) / all.length) * 3.6;
  const last = r.tracks[0].samples.at(-1)!;
  const testIds = r.tracks.filter((t) => t.split === 'test').map((t) => t.id);
  return [
    `scenario ${scenario.name}, seed ${scenario.seed}`,
    `tracks   ${r.tracks.length} (${r.tracks.length - testIds.length} train, ${testIds.length} test: ids ${testIds.join(', ')})`,
    `samples  ${r.rows} (${count('train')} train, ${count('test')} test), ${r.tracks[0].samples.length} per track over ${last.t.toFixed(1)} s`,
    `speed    mean ${meanKmh.toFixed(1)} km/h`,
    `wrote    ${shownPath(r.path)}`,
    `wrote    ${shownPath(r.svgPath)}`,
    `time     ${seconds.toFixed(2)} s`,
  ];
}

/** `shardSource`: where the shard came from ("--shard" or an environment variable). */
export function raytraceSummary(scenario: Scenario, res: RaytraceResult, shardSource = '--shard'): string[] {
  const s = res.stats;
  const shard = res.shard;
  const sharded = shard.count > 1;
  const name = sharded ? `raytrace shard ${shard.index}/${shard.count}${shardSource === '--shard' ? '' : ` (from ${shardSource})`}` : 'raytrace';
  const plural = (n: number) => (n === 1 ? '' : 's');
  if (res.alreadyDone) return [`${name}: ${shownPath(res.path)} is already complete for these inputs (${res.blocks} block${plural(res.blocks)}, ${res.rows} links), nothing to do`];
  const out: string[] = [];
  if (res.resumedBlocks > 0) out.push(`${name}: resumed an interrupted run: ${res.resumedBlocks} of ${res.blocks} blocks were already traced`);
  const ns = scenario.sites.length;
  const links = sharded ? `${s.links} links traced now (${res.blocks - res.resumedBlocks} of the shard's ${res.blocks} block${plural(res.blocks)})` : `${res.rows} links (${res.rows / ns} receivers x ${ns} sites)`;
  out.push(`${name}: ${links} in ${s.seconds.toFixed(1)} s${res.resumedBlocks > 0 && !sharded ? '' : ` (${(s.links / Math.max(1e-9, s.seconds)).toFixed(0)} links/s)`}`);
  if (s.links > 0) out.push(`  heard ${pctOf(s.heard, s.links)}, line of sight ${pctOf(s.los, s.links)}, no path ${pctOf(s.links - s.withPaths, s.links)}, ${(s.paths / Math.max(1, s.links)).toFixed(1)} paths per link`);
  out.push(`  wrote ${shownPath(res.path)}${res.pathsFile ? ` and ${shownPath(res.pathsFile)}` : ''}${sharded ? `; when every shard is done: simgen merge` : ''}`);
  return out;
}

export function exportSummary(r: ExportResult): string[] {
  const m = r.meta;
  const size = m.constellations[0].sites.length;
  const perC = r.rows / m.constellations.length;
  const train = m.normalisation.rows / m.constellations.filter((c) => !c.unseen).length;
  const share = (v: number) => `${(100 * v).toFixed(1)}%`.padStart(7);
  const u = m.unseenSelection;
  return [
    `${shownPath(r.path)}: ${r.rows} rows = ${m.constellations.length} constellation${m.constellations.length === 1 ? '' : 's'} x ${perC} samples (${train} train, ${perC - train} test), ${m.featureLayout.length} features`,
    ...(r.parquetPath ? [`${shownPath(r.parquetPath)}: same rows and metadata`] : []),
    splitLine(r.split),
    ...leakageLines(r.leakage, r.split.name),
    'skipped' in u ? `note: ${u.skipped}` : `unseen constellation: ${u.rule}: ${u.covered_cells} cells, ${u.covered_samples} samples`,
    `not heard -> rx power ${m.sentinel.rx_power_dbm} dBm, ToF 0 ns, AoA (0, 0, 0)${r.heardBelowSentinel ? `; WARNING: ${r.heardBelowSentinel} heard links are weaker than that` : ''}`,
    '',
    `share of samples hearing k of the constellation's sites`,
    `  #  sites${' '.repeat(Math.max(0, 3 * size - 5))}  ${Array.from({ length: size + 1 }, (_, k) => `k=${k}`.padStart(7)).join('')}`,
    ...m.constellations.map((c, i) => `${String(c.id).padStart(3)}  ${c.sites.join(',').padEnd(3 * size)}${r.heardShares[i].map(share).join('')}${c.unseen ? '  unseen' : ''}`),
  ];
}

export function measureSummary(scenario: Scenario, r: MeasureResult): string[] {
  const pct = (k: number) => pctOf(k, r.rows);
  const f = (q: [number, number, number]) => `${q[0].toFixed(2)} / ${q[1].toFixed(2)}`.padStart(16);
  return [
    `measure: ${r.rows} links (${r.rows / scenario.sites.length} samples x ${scenario.sites.length} sites) in ${r.seconds.toFixed(1)} s (${(r.rows / Math.max(1e-9, r.seconds)).toFixed(0)} links/s)`,
    `  detected ${pct(r.detected)} (false alarms ${pct(r.falseAlarms)}), heard in links.arrow's sense ${pct(r.idealHeard)}; ${(r.specular / r.rows).toFixed(1)} specular paths and ${(r.clusters / r.rows).toFixed(1)} diffuse clusters a link`,
    '',
    'estimation errors of the detected links (median / p90): ToA as a range (m), AoA to the line of sight (deg), |RSRP - ideal| (dB)',
    `${'links'.padEnd(18)}${'count'.padStart(8)}${'ToA m'.padStart(16)}${'AoA deg'.padStart(16)}${'RSRP dB'.padStart(16)}`,
    ...r.errors.map((e) => `${e.label.padEnd(18)}${String(e.links).padStart(8)}${f(e.toa)}${f(e.aoa)}${f(e.rsrp)}`),
    `wrote ${shownPath(r.path)} and ${r.figures.map((p) => shownPath(p)).join(', ')}`,
  ];
}
