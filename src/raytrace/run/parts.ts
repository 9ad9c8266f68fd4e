import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import { UserError } from '../../util/errors.ts';
import { type Json, JournalDamaged, type JournalRecord, readRecord, scanJournal } from '../../util/journal.ts';
import type { BlockResult } from '../engine/tracer.ts';
import { type Shard, shardBlocks } from './shard.ts';

// The completed blocks of a raytrace run on disk (a block journal, src/util/journal.ts): one record per
// block of receivers, in the order the run traces them, each holding the block's receivers and its traced
// columns. A run writes its blocks to a journal as they complete; the whole run then turns its journal into
// links.arrow (assemble.ts), a shard renames its finished journal to a part file, and `simgen merge` turns
// the parts into the same links.arrow. Records are self-contained, so merging needs no other input.

export const PART_FORMAT = 'simgen-raytrace-blocks/1';

/** What a journal or part file holds; two files with the same header hold blocks of the same run. */
export interface PartHeader {
  format: typeof PART_FORMAT;
  /** links.arrow's input_key and the key of its receivers (trajectories.arrow's input_key or the CSV's). */
  inputKey: string;
  upstreamKey: string;
  receiverSource: 'trajectories' | 'rx-csv';
  receivers: number;
  blocks: number;
  shard: Shard;
  paths: boolean;
  /** links.arrow's schema metadata, in order. */
  metadata: [string, string][];
}

/** One block as stored: its id, its receivers (for the id and position columns) and what was traced. */
export interface BlockPayload {
  block: number;
  trajectoryId: Int32Array;
  sample: Int32Array;
  xyz: Float64Array;
  result: BlockResult;
}

// Node's structured-clone serialisation: typed arrays and strings come back exactly.
export const encodeBlock = (p: BlockPayload): Uint8Array => v8.serialize(p);
export const decodeBlock = (bytes: Uint8Array): BlockPayload => v8.deserialize(bytes) as BlockPayload;

export const headerJson = (h: PartHeader): Json => h as unknown as Json;

/** File name of shard i of n's finished part, in the output folder. */
export const partName = (s: Shard): string => `links-shard-${s.index}-of-${s.count}.part`;
/** The journal a shard (or, for the whole run, links.arrow) is built in; hidden, never mistaken for a result. */
export const journalName = (s: Shard): string => (s.count === 1 ? '.links.arrow.journal' : `.${partName(s)}.journal`);

/** The journal's records must be the shard's blocks from its first, in order: how many are. */
export function keptPrefix(records: JournalRecord[], expected: number[]): number {
  let n = 0;
  while (n < records.length && n < expected.length && records[n].id === expected[n]) n++;
  return n;
}

/** True when `file` is a finished part of exactly this run and shard (every block, CRCs checked): a retry can skip it. */
export function scanPart(file: string, header: PartHeader, blocks: number[]): boolean {
  const scan = scanJournal(file, { verify: true });
  return scan.header !== null && JSON.stringify(scan.header) === JSON.stringify(header) && scan.end !== null && scan.records.length === blocks.length && keptPrefix(scan.records, blocks) === blocks.length;
}

/** A part file read for merging: its header and its block records, checked for completeness. */
export interface Part {
  file: string;
  header: PartHeader;
  records: JournalRecord[];
}

/** Reads a finished part's header and record index (tags and lengths, not yet the CRCs); UserError when it is not one. */
export function openPart(file: string): Part {
  if (!fs.existsSync(file)) throw new UserError(`part file not found: ${file}`);
  const scan = scanJournal(file);
  const h = scan.header as unknown as PartHeader | null;
  if (scan.olderFormat) throw new UserError(`${file} is a part file of an older simgen (block journal format 1, without run ids): trace that shard again with this version`);
  if (!h || typeof h !== 'object' || h.format !== PART_FORMAT || !h.shard || !Array.isArray(h.metadata))
    throw new UserError(`${file} is not a raytrace part file (written by "simgen raytrace --shard INDEX/COUNT")`);
  const expected = shardBlocks(h.blocks, h.shard);
  if (scan.end === null || keptPrefix(scan.records, expected) !== expected.length || scan.records.length !== expected.length)
    throw new UserError(`${file} is incomplete or damaged (${scan.records.length} of its ${expected.length} blocks readable, ${scan.end === null ? 'no' : 'an'} end record): rerun "simgen raytrace --shard ${h.shard.index}/${h.shard.count}"`);
  return { file, header: h, records: scan.records };
}

/**
 * The blocks of a whole run, in block order, from the files holding them: `sources[k mod n]` holds block k as
 * its (k div n)-th record. Reads one block at a time. A record whose bytes changed since its scan is a UserError.
 */
export function* blocksInOrder(sources: { file: string; records: JournalRecord[] }[], total: number): Generator<BlockPayload> {
  const n = sources.length;
  const fds = sources.map((s) => fs.openSync(s.file, 'r'));
  try {
    for (let k = 0; k < total; k++) {
      const src = sources[k % n];
      const rec = src.records[Math.floor(k / n)];
      let bytes: Buffer;
      try {
        bytes = readRecord(fds[k % n], rec, src.file);
      } catch (e) {
        if (e instanceof JournalDamaged) throw new UserError(`${e.message}; rerun the raytrace that wrote it`);
        throw e;
      }
      const payload = decodeBlock(bytes);
      if (payload.block !== k) throw new UserError(`${src.file}: holds block ${payload.block} where block ${k} belongs; rerun the raytrace that wrote it`);
      yield payload;
    }
  } finally {
    for (const fd of fds) fs.closeSync(fd);
  }
}

/** The part files in `dir` (links-shard-I-of-N.part), sorted by name. */
export function findParts(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => /^links-shard-\d+-of-\d+\.part$/.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}
