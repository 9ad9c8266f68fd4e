import path from 'node:path';
import type { Data, Table } from 'apache-arrow';
import { trajectoriesInputKey } from '../mobility/trajectories.ts';
import { MEASUREMENTS_FILE, measureInputKey } from '../measure/run.ts';
import { raytraceInputKey } from '../raytrace/index.ts';
import type { Scenario } from '../scenario/load.ts';
import { ArrowBatchFile, columnIndex, readArrowFile } from '../util/arrow.ts';
import { UserError } from '../util/errors.ts';

// Reads the two upstream outputs the export depends on (links.arrow from `simgen raytrace`,
// trajectories.arrow from `simgen trajectories`) into flat typed arrays, checking their contracts.

/** A site as recorded in links.arrow metadata `sites`. */
export interface LinkSite {
  id: number;
  x: number;
  y: number;
  z: number;
}

/** links.arrow regrouped per trajectory sample: link arrays are indexed [sample * sites.length + siteIndex]. */
export interface Links {
  /** Sites in ascending id; siteIndex refers to this order. */
  sites: LinkSite[];
  samples: number;
  trajectoryId: Int32Array;
  sample: Int32Array;
  /** UE position per sample (m). */
  x: Float64Array;
  y: Float64Array;
  /** 1 when the link's path loss is within the cutoff. */
  heard: Uint8Array;
  rxPowerDbm: Float64Array;
  tofNs: Float64Array;
  /** Quantised AoA at the gNB (degrees, as the file stores them). */
  azimuthQDeg: Float64Array;
  elevationQDeg: Float64Array;
  inputKey: string;
  pathLossCutoffDb: number;
  ueTxPowerDbm: number;
}

/** trajectories.arrow reduced to what the export needs: the split of each trajectory. */
export interface Splits {
  /** trajectory_id -> true when it is a test track. */
  isTest: Map<number, boolean>;
  inputKey: string;
}

export function column(table: Table, name: string, file: string) {
  const c = table.getChild(name);
  if (!c) throw new UserError(`${file}: column "${name}" is missing (rerun the stage that writes it)`);
  return c;
}

export function float64(table: Table, name: string, file: string): Float64Array {
  const a = column(table, name, file).toArray();
  return a instanceof Float64Array ? a : Float64Array.from(a as ArrayLike<number>);
}

export function int32(table: Table, name: string, file: string): Int32Array {
  const a = column(table, name, file).toArray();
  return a instanceof Int32Array ? a : Int32Array.from(a as ArrayLike<number>);
}

export function metaValue(table: Table, key: string, file: string): string {
  const v = table.schema.metadata.get(key);
  if (v === undefined) throw new UserError(`${file}: schema metadata "${key}" is missing (rerun the stage that writes it)`);
  return v;
}

/** The file must be what this scenario and seed make (its recorded input_key), or its numbers describe another world. */
export function checkProvenance(table: Table, expectedKey: string, file: string, stage: string): void {
  checkProvenanceKey(metaValue(table, 'input_key', file), expectedKey, file, stage);
}

export function checkProvenanceKey(key: string, expectedKey: string, file: string, stage: string): void {
  if (key !== expectedKey)
    throw new UserError(`${file} was written for another scenario, seed or upstream file (input_key ${key.slice(0, 12)}, expected ${expectedKey.slice(0, 12)}): rerun "simgen ${stage}"`);
}

/** The links.arrow columns the export reads, and their types. */
const LINK_COLUMNS = {
  trajectory_id: 'int32', sample: 'int32', site_id: 'int32', x: 'float64', y: 'float64', heard: 'bool',
  rx_power_dbm: 'float64', tof_ns: 'float64', aoa_azimuth_q_deg: 'float64', aoa_elevation_q_deg: 'float64',
} as const;

/**
 * Where the per-link values come from: links.arrow (the `ideal` measurement model) or measurements.arrow
 * (`nr-srs`: the gNB's report, its columns read in place of links.arrow's). `columns` names the file's column
 * for each of LINK_COLUMNS.
 */
export interface LinkSource {
  /** The stage that writes the file (for messages) and the input_key it must record. */
  stage: string;
  inputKey: (scenario: Scenario) => string;
  columns: Record<keyof typeof LINK_COLUMNS, string>;
}

export const IDEAL_LINKS: LinkSource = {
  stage: 'raytrace',
  inputKey: (scenario) => raytraceInputKey(scenario, trajectoriesInputKey(scenario)),
  columns: Object.fromEntries(Object.keys(LINK_COLUMNS).map((k) => [k, k])) as Record<keyof typeof LINK_COLUMNS, string>,
};

/** measurements.arrow (src/measure): detected links, measured power, ToA and AoA (not quantised: a gNB reports its estimate). */
export const MEASURED_LINKS: LinkSource = {
  stage: 'measure',
  inputKey: (scenario) => measureInputKey(scenario, trajectoriesInputKey(scenario)),
  columns: {
    trajectory_id: 'trajectory_id', sample: 'sample', site_id: 'site_id', x: 'x', y: 'y', heard: 'detected',
    rx_power_dbm: 'rx_power_dbm', tof_ns: 'toa_ns', aoa_azimuth_q_deg: 'aoa_azimuth_deg', aoa_elevation_q_deg: 'aoa_elevation_deg',
  },
};

/** The file and columns the export reads for the scenario's measurement model. */
export function linkSourceOf(scenario: Scenario): { file: string; source: LinkSource } {
  return scenario.measurement.model === 'nr-srs' ? { file: MEASUREMENTS_FILE, source: MEASURED_LINKS } : { file: 'links.arrow', source: IDEAL_LINKS };
}

type Typed = Int32Array | Float64Array | Uint8Array;

/** A typed array filled one value at a time, its capacity doubled as needed (a number[] takes 8 bytes a value). */
class Grow<T extends Typed> {
  private a: T;
  length = 0;
  constructor(private readonly make: { new (n: number): T }) {
    this.a = new make(1024);
  }
  push(v: number): void {
    if (this.length === this.a.length) {
      const b = new this.make(2 * this.a.length);
      b.set(this.a as never);
      this.a = b;
    }
    this.a[this.length++] = v;
  }
  last(): number {
    return this.a[this.length - 1];
  }
  done(): T {
    return this.a.slice(0, this.length) as T;
  }
}

/** Row i of a bool column's Data. */
const bit = (d: Data, i: number) => ((d.values as Uint8Array)[(d.offset + i) >> 3] >> ((d.offset + i) & 7)) & 1;

/**
 * links.arrow read for the export without holding it: open() checks its provenance and schema, scan() reads
 * it once for the per-sample columns and the heard mask (checking the row order), chunks() reads it again,
 * as many times as asked, in chunks of whole samples. Memory: O(samples) plus one chunk.
 */
export class LinksReader {
  private constructor(
    readonly file: string,
    private readonly arrow: ArrowBatchFile,
    private readonly cols: Record<keyof typeof LINK_COLUMNS, number>,
    private readonly stage: string,
    readonly sites: LinkSite[],
    readonly inputKey: string,
    readonly pathLossCutoffDb: number,
    readonly ueTxPowerDbm: number,
  ) {}

  static async open(file: string, scenario: Scenario, source: LinkSource = IDEAL_LINKS): Promise<LinksReader> {
    const arrow = await ArrowBatchFile.open(file, path.basename(file));
    try {
      const md = arrow.schema.metadata;
      const meta = (key: string) => {
        const v = md.get(key);
        if (v === undefined) throw new UserError(`${file}: schema metadata "${key}" is missing (rerun the stage that writes it)`);
        return v;
      };
      checkProvenanceKey(meta('input_key'), source.inputKey(scenario), file, source.stage);
      const sites = parseSites(meta('sites'), file);
      const num = (key: string) => {
        const v = Number(meta(key));
        if (!Number.isFinite(v)) throw new UserError(`${file}: schema metadata "${key}" is not a number (${JSON.stringify(meta(key)).slice(0, 40)})`);
        return v;
      };
      const physical = columnIndex(arrow.schema, Object.fromEntries(Object.entries(LINK_COLUMNS).map(([k, kind]) => [source.columns[k as keyof typeof LINK_COLUMNS], kind])), file);
      const cols = Object.fromEntries(Object.keys(LINK_COLUMNS).map((k) => [k, physical[source.columns[k as keyof typeof LINK_COLUMNS]]])) as Record<keyof typeof LINK_COLUMNS, number>;
      return new LinksReader(file, arrow, cols, source.stage, sites, meta('input_key'), num('path_loss_cutoff_db'), num('ue_tx_power_dbm'));
    } catch (e) {
      await arrow.close();
      throw e;
    }
  }

  close(): Promise<void> {
    return this.arrow.close();
  }

  /**
   * One pass: per sample its trajectory, sample number and position, per link the heard flag; the rows must be
   * ordered by (trajectory_id, sample, site_id) with every site once per sample. `floorDbm`: heard links weaker
   * than it are counted (the export's sentinel must lie below every heard link).
   */
  async scan(floorDbm: number): Promise<Links & { heardBelowFloor: number }> {
    const n = this.sites.length;
    const c = this.cols;
    const tid = new Grow(Int32Array), smp = new Grow(Int32Array), xs = new Grow(Float64Array), ys = new Grow(Float64Array);
    const heard = new Grow(Uint8Array);
    let rows = 0;
    let below = 0;
    for await (const b of this.arrow.batches()) {
      const d = b.data.children;
      const [T, S, I, X, Y, H, P] = [d[c.trajectory_id], d[c.sample], d[c.site_id], d[c.x], d[c.y], d[c.heard], d[c.rx_power_dbm]];
      for (let i = 0; i < b.numRows; i++, rows++) {
        const t = T.values[T.offset + i] as number, s = S.values[S.offset + i] as number;
        const k = rows % n;
        if (k === 0) {
          tid.push(t);
          smp.push(s);
          xs.push(X.values[X.offset + i] as number);
          ys.push(Y.values[Y.offset + i] as number);
        }
        if (I.values[I.offset + i] !== this.sites[k].id || t !== tid.last() || s !== smp.last())
          throw new UserError(`${this.file}: row ${rows} breaks the (trajectory_id, sample, site_id) order with one row per site (rerun "simgen ${this.stage}")`);
        const h = bit(H, i);
        heard.push(h);
        if (h && (P.values[P.offset + i] as number) < floorDbm) below++;
      }
    }
    if (rows % n !== 0 || rows === 0) throw new UserError(`${this.file}: ${rows} rows is not a whole, non-zero number of samples x ${n} sites`);
    return {
      sites: this.sites, samples: rows / n,
      trajectoryId: tid.done(), sample: smp.done(), x: xs.done(), y: ys.done(), heard: heard.done(), rxPowerDbm: new Float64Array(0), tofNs: new Float64Array(0), azimuthQDeg: new Float64Array(0), elevationQDeg: new Float64Array(0),
      inputKey: this.inputKey, pathLossCutoffDb: this.pathLossCutoffDb, ueTxPowerDbm: this.ueTxPowerDbm, heardBelowFloor: below,
    };
  }

  /**
   * The links again, `perChunk` samples at a time (the last chunk shorter), as Links over those samples;
   * `index` is scan()'s result. A chunk's arrays are reused by the next: use each before asking for the next.
   */
  async *chunks(index: Links, perChunk: number): AsyncGenerator<Links & { first: number }> {
    const n = this.sites.length;
    const c = this.cols;
    const cap = perChunk * n;
    const heard = new Uint8Array(cap), rx = new Float64Array(cap), tof = new Float64Array(cap), az = new Float64Array(cap), el = new Float64Array(cap);
    let first = 0; // first sample of the chunk being filled
    let fill = 0; // links in it
    const chunk = (): Links & { first: number } => {
      const k = fill / n;
      return {
        first, sites: this.sites, samples: k,
        trajectoryId: index.trajectoryId.subarray(first, first + k), sample: index.sample.subarray(first, first + k),
        x: index.x.subarray(first, first + k), y: index.y.subarray(first, first + k),
        heard: heard.subarray(0, fill), rxPowerDbm: rx.subarray(0, fill), tofNs: tof.subarray(0, fill),
        azimuthQDeg: az.subarray(0, fill), elevationQDeg: el.subarray(0, fill),
        inputKey: this.inputKey, pathLossCutoffDb: this.pathLossCutoffDb, ueTxPowerDbm: this.ueTxPowerDbm,
      };
    };
    let rows = 0;
    for await (const b of this.arrow.batches()) {
      const d = b.data.children;
      const [H, P, F, A, E] = [d[c.heard], d[c.rx_power_dbm], d[c.tof_ns], d[c.aoa_azimuth_q_deg], d[c.aoa_elevation_q_deg]];
      for (let i = 0; i < b.numRows; i++, rows++) {
        if (rows >= index.heard.length || bit(H, i) !== index.heard[rows]) throw new UserError(`${this.file} changed while it was read (row ${rows}); run the export again`);
        heard[fill] = bit(H, i);
        rx[fill] = P.values[P.offset + i] as number;
        tof[fill] = F.values[F.offset + i] as number;
        az[fill] = A.values[A.offset + i] as number;
        el[fill] = E.values[E.offset + i] as number;
        if (++fill === cap) {
          yield chunk();
          first += perChunk;
          fill = 0;
        }
      }
    }
    if (rows !== index.heard.length) throw new UserError(`${this.file} changed while it was read (${rows} rows, ${index.heard.length} before); run the export again`);
    if (fill > 0) yield chunk();
  }
}

/** links.arrow whole, as one Links record (the zero-shot experiment assembles any deployment from it). */
export async function readLinks(file: string, scenario: Scenario): Promise<Links> {
  const reader = await LinksReader.open(file, scenario);
  try {
    const index = await reader.scan(-Infinity);
    for await (const { first: _, ...all } of reader.chunks(index, index.samples)) return all; // one chunk: every sample
    throw new UserError(`${file}: no rows (rerun "simgen raytrace")`);
  } finally {
    await reader.close();
  }
}

/** The `sites` metadata of links.arrow: [{ id, x, y, z }], ids ascending in the result. */
export function parseSites(text: string, file: string): LinkSite[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    raw = undefined;
  }
  const ok = (s: unknown): s is LinkSite =>
    s !== null && typeof s === 'object' && ['id', 'x', 'y', 'z'].every((k) => Number.isFinite((s as Record<string, unknown>)[k])) && Number.isInteger((s as LinkSite).id);
  if (!Array.isArray(raw) || raw.length === 0 || !raw.every(ok) || new Set(raw.map((s) => s.id)).size !== raw.length)
    throw new UserError(`${file}: schema metadata "sites" is not a list of sites {id, x, y, z} with distinct ids (rerun "simgen raytrace")`);
  return raw.map(({ id, x, y, z }) => ({ id, x, y, z })).sort((a, b) => a.id - b.id);
}

/** trajectories.arrow's split per trajectory, read one batch at a time. */
export async function readSplits(file: string, scenario: Scenario): Promise<Splits> {
  const arrow = await ArrowBatchFile.open(file, 'trajectories.arrow');
  try {
    const key = arrow.schema.metadata.get('input_key');
    if (key === undefined) throw new UserError(`${file}: schema metadata "input_key" is missing (rerun the stage that writes it)`);
    checkProvenanceKey(key, trajectoriesInputKey(scenario), file, 'trajectories');
    const c = columnIndex(arrow.schema, { trajectory_id: 'int32', split: 'utf8' }, file);
    const isTest = new Map<number, boolean>();
    const TRAIN = Buffer.from('train'), TEST = Buffer.from('test');
    let r = 0;
    for await (const b of arrow.batches()) {
      const ids = b.data.children[c.trajectory_id], sp = b.data.children[c.split];
      const o = sp.valueOffsets as Int32Array, bytes = sp.values as Uint8Array;
      for (let i = 0; i < b.numRows; i++, r++) {
        const v = Buffer.from(bytes.buffer, bytes.byteOffset + o[sp.offset + i], o[sp.offset + i + 1] - o[sp.offset + i]);
        const test = v.equals(TEST);
        if (!test && !v.equals(TRAIN)) throw new UserError(`${file}: row ${r} has split ${JSON.stringify(v.toString('utf8').slice(0, 40))}; allowed "train" | "test"`);
        const id = ids.values[ids.offset + i] as number;
        const seen = isTest.get(id);
        if (seen !== undefined && seen !== test) throw new UserError(`${file}: trajectory ${id} has samples in both splits`);
        isTest.set(id, test);
      }
    }
    return { isTest, inputKey: key };
  } finally {
    await arrow.close();
  }
}
