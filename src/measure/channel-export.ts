import fs from 'node:fs';
import path from 'node:path';
import { type Data, DataType, makeData, type Schema } from 'apache-arrow';
import { frequencyResponse } from '../channel/response.ts';
import { originMetadata } from '../map/origin.ts';
import { TRAJECTORIES_FILE, trajectoriesInputKey } from '../mobility/trajectories.ts';
import { checkReceivers, readCsvReceivers } from '../raytrace/index.ts';
import type { Scenario } from '../scenario/load.ts';
import { type ColumnValues, writeArrowFile } from '../util/arrow.ts';
import { removeStaleTemps } from '../util/atomic.ts';
import { UserError } from '../util/errors.ts';
import { SIMGEN_VERSION, stageKey } from '../util/meta.ts';
import { shownPath } from '../util/paths.ts';
import { Progress } from '../util/progress.ts';
import { channelBytes, channelSchema, COMPONENT_FIELDS, COMPONENT_KINDS, LINK_FIELDS } from './channel-schema.ts';
import { measureConfig } from './config.ts';
import { makeMeasureContext, measureBlock, srsOf } from './link.ts';
import { measureInputKey, readSamples } from './run.ts';

// `simgen channels`: the channels of a selection of links -> channels.arrow. The whole default scenario's
// channels are tens of GB (454248 links; 400 KiB a link with the frequency response), so links are selected
// (trajectories and samples of trajectories.arrow, or CSV points; sites), the size is estimated before any
// tracing and refused above a limit, and checked again as batches are written (a refusal leaves nothing: the
// file is written atomically). Each link's channel is the one `simgen measure` builds and measures: the same
// context and measureBlock, whose observer hands over every link's channel; every draw is keyed by the link, so
// a link's channel does not depend on what else is selected. One process: a selection is small, and the file
// is the same bytes on every run.

export const CHANNELS_FILE = 'channels.arrow';
/** --max-bytes's default. */
export const DEFAULT_MAX_CHANNEL_BYTES = 2 ** 30;
/** Components a link is assumed to have before tracing (the default nr-srs scenario's mean is 87.6; docs/measure.md). */
export const ESTIMATED_COMPONENTS = 100;
/** Receivers traced per batch of rows. */
const BLOCK_RECEIVERS = 8;

/** Which links to write, as the command's flags give them (checked against the scenario). */
export interface ChannelSelection {
  /** Trajectory ids of trajectories.arrow and an inclusive range of sample indices (every sample when absent)... */
  tracks?: number[];
  samples?: [number, number];
  /** ...or the points of a CSV file (header x,y,z), refused as `simgen raytrace --rx` refuses them. */
  rxCsv?: string;
  allowIndoor?: boolean;
  allowOffMap?: boolean;
  /** Site ids; every site when absent. */
  sites?: number[];
  /** Also write every element's frequency response at every SRS tone. */
  response: boolean;
  maxBytes: number;
}

/** The selected receivers: positions, the UE velocity the Doppler uses, and the key of the file they come from. */
interface SelectedReceivers {
  trajectoryId: Int32Array;
  sample: Int32Array;
  xyz: Float64Array;
  speed: Float64Array;
  heading: Float64Array;
  upstreamKey: string;
  kind: 'trajectories' | 'rx-csv';
}

export interface ChannelPlan {
  selection: ChannelSelection;
  receivers: SelectedReceivers;
  siteIds: number[];
  links: number;
  elements: number;
  tones: number;
  /** Complex response values a link (elements x tones), 0 without --response. */
  responseValues: number;
  estimatedBytes: number;
}

/** A size for messages: KiB, MiB or GiB. */
export function sizeText(bytes: number): string {
  const [unit, scale] = bytes >= 2 ** 30 ? ['GiB', 2 ** 30] : bytes >= 2 ** 20 ? ['MiB', 2 ** 20] : ['KiB', 2 ** 10];
  return `${(bytes / scale).toFixed(unit === 'GiB' ? 2 : 1)} ${unit}`;
}

/** The ids of a list, shown as a range when contiguous ("0-3") or listed. */
export const idsText = (ids: number[]) => (ids.length > 2 && ids.at(-1)! - ids[0] === ids.length - 1 ? `${ids[0]}-${ids.at(-1)}` : ids.join(', '));

async function trajectoryReceivers(scenario: Scenario, outDir: string, sel: ChannelSelection): Promise<SelectedReceivers> {
  const file = path.join(outDir, TRAJECTORIES_FILE);
  const all = await readSamples(file);
  if (all.upstreamKey !== trajectoriesInputKey(scenario))
    throw new UserError(`${shownPath(file)} was written for another scenario or seed (input_key ${all.upstreamKey.slice(0, 12)}): rerun "simgen trajectories"`);
  const known = [...new Set(all.trajectoryId)].sort((a, b) => a - b);
  const unknown = sel.tracks!.find((t) => !known.includes(t));
  if (unknown !== undefined) throw new UserError(`--tracks: trajectory ${unknown} is not in ${shownPath(file)} (trajectories ${idsText(known)})`);
  const tracks = new Set(sel.tracks), [lo, hi] = sel.samples ?? [0, Infinity];
  const keep: number[] = [];
  for (let k = 0; k < all.sample.length; k++) if (tracks.has(all.trajectoryId[k]) && all.sample[k] >= lo && all.sample[k] <= hi) keep.push(k);
  if (keep.length === 0) {
    const last = Math.max(...sel.tracks!.map((t) => Math.max(...all.sample.filter((_, k) => all.trajectoryId[k] === t))));
    throw new UserError(`--samples: no sample of trajectories ${idsText(sel.tracks!)} from ${lo} to ${hi} (their samples run from 0 to ${last})`);
  }
  const pick = <T extends Int32Array | Float64Array>(a: T, out: T) => (keep.forEach((k, i) => (out[i] = a[k])), out);
  const xyz = new Float64Array(3 * keep.length);
  keep.forEach((k, i) => xyz.set(all.xyz.subarray(3 * k, 3 * k + 3), 3 * i));
  const n = keep.length;
  return {
    trajectoryId: pick(all.trajectoryId, new Int32Array(n)), sample: pick(all.sample, new Int32Array(n)), xyz,
    speed: pick(all.speed, new Float64Array(n)), heading: pick(all.heading, new Float64Array(n)), upstreamKey: all.upstreamKey, kind: 'trajectories',
  };
}

async function csvReceivers(scenario: Scenario, sel: ChannelSelection): Promise<SelectedReceivers> {
  const rx = await readCsvReceivers(sel.rxCsv!);
  await checkReceivers(rx, scenario.map, { allowIndoor: sel.allowIndoor, allowOffMap: sel.allowOffMap });
  const n = rx.sample.length;
  // CSV points stand still: no Doppler.
  return { ...rx, speed: new Float64Array(n), heading: new Float64Array(n), kind: 'rx-csv' };
}

/** Resolves the selection into receivers and sites and estimates the file's size; refuses a selection over the limit. */
export async function planChannels(scenario: Scenario, outDir: string, sel: ChannelSelection): Promise<ChannelPlan> {
  const srs = srsOf(scenario);
  const r = scenario.raytrace;
  const elements = r.array.columns * r.array.rows;
  const tones = measureConfig(srs, r.carrierFreqHz, r.txPowerDbm, elements).n;
  const receivers = sel.rxCsv !== undefined ? await csvReceivers(scenario, sel) : await trajectoryReceivers(scenario, outDir, sel);
  const siteIds = sel.sites ?? scenario.sites.map((s) => s.id);
  const links = receivers.sample.length * siteIds.length;
  const responseValues = sel.response ? elements * tones : 0;
  const estimatedBytes = channelBytes(links, links * ESTIMATED_COMPONENTS, responseValues);
  if (estimatedBytes > sel.maxBytes)
    throw new UserError(
      `--max-bytes: ${links} links would take an estimated ${sizeText(estimatedBytes)}${sel.response ? ` (the frequency response ${sizeText(channelBytes(1, 0, responseValues) - channelBytes(1, 0, 0))} a link)` : ''}, ` +
        `over the limit of ${sizeText(sel.maxBytes)}; select fewer links (--tracks, --samples, --sites, --rx)${sel.response ? ', drop --response' : ''} or raise --max-bytes; nothing written`,
    );
  return { selection: sel, receivers, siteIds: [...siteIds].sort((a, b) => a - b), links, elements, tones, responseValues, estimatedBytes };
}

export interface ChannelResult {
  path: string;
  links: number;
  specular: number;
  clusters: number;
  bytes: number;
  seconds: number;
}

/** One batch of rows: the link columns, the component lists (offsets + values) and the responses. */
class ChannelBatch {
  readonly link: Record<string, number[]> = Object.fromEntries(LINK_FIELDS.map((f) => [f.name, []]));
  readonly offsets: number[] = [0];
  readonly values: number[][] = COMPONENT_FIELDS.map(() => []);
  readonly response: { re: Float32Array; im: Float32Array };

  constructor(private readonly schema: Schema, maxLinks: number, readonly responseValues: number) {
    this.response = { re: new Float32Array(maxLinks * responseValues), im: new Float32Array(maxLinks * responseValues) };
  }

  get links(): number {
    return this.offsets.length - 1;
  }

  columns(): Record<string, ColumnValues> {
    const n = this.links;
    const cols: Record<string, ColumnValues> = {};
    for (const f of LINK_FIELDS) cols[f.name] = DataType.isBool(f.type) ? this.link[f.name].map(Boolean) : this.link[f.name].map((v) => (Number.isNaN(v) ? null : v));
    // Nested columns as Data: offsets (lists) or a fixed size (responses) over one typed array of items.
    const nested = (name: string, items: ArrayLike<number>, valueOffsets?: Int32Array): Data => {
      const type = this.schema.fields.find((f) => f.name === name)!.type;
      const item = type.children[0].type as DataType;
      const data = items instanceof item.ArrayType ? items : new (item.ArrayType as Float64ArrayConstructor)(items as number[]);
      const child = makeData({ type: item, length: data.length, nullCount: 0, data } as never);
      return makeData({ type, length: n, nullCount: 0, valueOffsets, child } as never) as Data;
    };
    const offsets = Int32Array.from(this.offsets);
    COMPONENT_FIELDS.forEach((f, j) => (cols[f.name] = nested(f.name, this.values[j], offsets)));
    if (this.responseValues > 0) {
      cols.response_re = nested('response_re', this.response.re.subarray(0, n * this.responseValues));
      cols.response_im = nested('response_im', this.response.im.subarray(0, n * this.responseValues));
    }
    return cols;
  }
}

const deg = (rad: number) => (rad * 180) / Math.PI;
const azimuthDeg = (rad: number) => ((deg(rad) % 360) + 360) % 360;

/** Traces the plan's receivers, builds their channels as `simgen measure` does and writes the selected links. */
export async function writeChannels(scenario: Scenario, outDir: string, plan: ChannelPlan, quiet = false): Promise<ChannelResult> {
  const started = Date.now();
  const srs = srsOf(scenario);
  const { receivers: rx, selection: sel, responseValues } = plan;
  const ctx = await makeMeasureContext(scenario);
  const { cfg, manifold, tracer } = ctx;
  const ns = tracer.sites.length;
  const wanted = new Set(plan.siteIds);
  const f0 = (-(cfg.n - 1) / 2) * cfg.toneSpacingHz;
  const metadata = new Map<string, string>([
    ['simgen_version', SIMGEN_VERSION],
    ['scenario', scenario.name],
    ['scenario_hash', scenario.hash],
    ['seed', String(scenario.seed)],
    ['input_key', stageKey('channels', measureInputKey(scenario, rx.upstreamKey), sel.tracks, sel.samples, sel.sites, sel.response)],
    ['receivers', rx.kind],
    ['selection', JSON.stringify({ tracks: sel.tracks ?? null, samples: sel.samples ?? null, rx: sel.rxCsv === undefined ? null : path.basename(sel.rxCsv), sites: plan.siteIds })],
    ['sites', JSON.stringify(tracer.sites.filter((s) => wanted.has(s.id)).map((s) => ({ id: s.id, x: s.position[0], y: s.position[1], z: s.position[2], orientation_deg: deg(s.orientation) })))],
    ['carrier_freq_hz', String(scenario.raytrace.carrierFreqHz)],
    ['ue_tx_power_dbm', String(scenario.raytrace.txPowerDbm)],
    ['measurement', JSON.stringify({ model: 'nr-srs', ...srs })],
    ['bandwidth_hz', String(cfg.bandwidthHz)],
    ['subcarrier_spacing_hz', String(cfg.scsHz)],
    ['array', JSON.stringify({ type: 'uniform-cylindrical', columns: manifold.columns, rows: manifold.rows, spacing_wavelengths: scenario.raytrace.array.spacingWavelengths, element_index: 'ring * columns + column' })],
    ['component_kinds', JSON.stringify(COMPONENT_KINDS)],
    ['response', JSON.stringify(sel.response ? { elements: plan.elements, tones: plan.tones, first_tone_offset_hz: f0, tone_spacing_hz: cfg.toneSpacingHz, time_s: 0, layout: 'element * tones + tone' } : null)],
    ...originMetadata(scenario.map),
  ]);
  const target = path.join(outDir, CHANNELS_FILE);
  removeStaleTemps(target);
  const nr = rx.sample.length;
  const progress = new Progress('channels', nr, quiet);
  const scratch = { re: new Float64Array(responseValues), im: new Float64Array(responseValues) };
  const totals = { specular: 0, clusters: 0, bytes: 0 };
  const schema = channelSchema(metadata, responseValues);
  const links = await writeArrowFile(target, schema, async (writer) => {
    for (let lo = 0; lo < nr; lo += BLOCK_RECEIVERS) {
      const hi = Math.min(nr, lo + BLOCK_RECEIVERS);
      const batch = new ChannelBatch(schema, (hi - lo) * wanted.size, responseValues);
      const rows: number[] = [];
      const L = measureBlock(ctx, rx.xyz.subarray(3 * lo, 3 * hi), rx.trajectoryId.subarray(lo, hi), rx.sample.subarray(lo, hi), rx.speed.subarray(lo, hi), rx.heading.subarray(lo, hi), ({ row, site, channel: ch }) => {
        if (!wanted.has(tracer.sites[site].id)) return;
        const at = batch.links;
        rows.push(row);
        const [delay, re, im, az, el, doppler, kind] = batch.values;
        for (let p = 0; p < ch.count; p++) {
          delay.push(ch.delay[p] * 1e9);
          re.push(ch.re[p]);
          im.push(ch.im[p]);
          az.push(azimuthDeg(ch.az[p]));
          el.push(deg(ch.el[p]));
          doppler.push(ch.doppler[p]);
          kind.push(ch.diffuse[p]);
        }
        batch.offsets.push(delay.length);
        if (responseValues > 0) {
          frequencyResponse(ch, manifold, tracer.sites[site].orientation, f0, cfg.toneSpacingHz, cfg.n, 0, scratch.re, scratch.im);
          batch.response.re.set(scratch.re, at * responseValues);
          batch.response.im.set(scratch.im, at * responseValues);
        }
      });
      for (const row of rows) {
        const r = lo + Math.floor(row / ns), site = tracer.sites[row % ns];
        const values: Record<string, number> = {
          trajectory_id: rx.trajectoryId[r], sample: rx.sample[r], site_id: site.id, x: rx.xyz[3 * r], y: rx.xyz[3 * r + 1], z: rx.xyz[3 * r + 2],
          speed: rx.speed[r], heading: rx.heading[r], los: L.los[row], los_delay_ns: L.los_delay_ns[row], ideal_heard: L.ideal_heard[row],
          ideal_rx_power_dbm: L.ideal_rx_power_dbm[row], ideal_tof_ns: L.ideal_tof_ns[row], specular_paths: L.specular_paths[row], diffuse_clusters: L.diffuse_clusters[row],
        };
        for (const f of LINK_FIELDS) batch.link[f.name].push(values[f.name]);
        totals.specular += L.specular_paths[row];
        totals.clusters += L.diffuse_clusters[row];
      }
      totals.bytes += channelBytes(batch.links, batch.values[0].length, responseValues);
      if (totals.bytes > sel.maxBytes)
        throw new UserError(`--max-bytes: the channels passed the limit of ${sizeText(sel.maxBytes)} after ${hi} of ${nr} receivers (more components than the ${ESTIMATED_COMPONENTS} a link estimated); raise --max-bytes or select fewer links; nothing written`);
      writer.write(batch.columns());
      progress.update(hi);
      await new Promise((r) => setImmediate(r)); // let the progress bar and signals through
    }
  });
  progress.done();
  return { path: target, links, specular: totals.specular, clusters: totals.clusters, bytes: fs.statSync(target).size, seconds: (Date.now() - started) / 1000 };
}
