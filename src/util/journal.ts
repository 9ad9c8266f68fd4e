import crypto from 'node:crypto';
import fs from 'node:fs';
import { createTemp, discard, openOwnFile, publish, writeAll } from './atomic.ts';
import { crc32 } from './crc32.ts';
import { onFile } from './errors.ts';

// A block journal: an append-only file holding a JSON header, then one record per completed unit of work
// (a block id and its payload bytes), then an end record. Every record carries its length and CRC-32 and is
// fsync'ed before the next unit starts. A process killed at any moment leaves a journal whose valid prefix
// is every record it completed; the next run with the same header keeps that prefix (cutting off a torn last
// record) and appends after it. Layout (little-endian):
//
//   "SIMGEN-JOURNAL/2" | run id (16 bytes) | u32 header length | u32 header CRC | header JSON
//   record: u32 tag (BLOCK or END) | u32 id | u32 payload length | u32 payload CRC | run id | payload
//
// The end record's payload is JSON; a journal with it holds all its work. Nothing after it is read.
//
// The run id is drawn at random when a journal is started and repeated in every record: a record of another
// journal (bytes some other run wrote into this file) ends the valid prefix like a torn one. A journal is
// created under a temporary name and renamed into place, and a resumed journal whose tail must go is copied
// (its valid prefix) to a new file renamed over it: no journal is ever truncated or rewritten in place, so a
// run that still holds the old file open writes into a file no name points to. The journal of an output
// folder is opened without following links (a planted link is refused).

const MAGIC = Buffer.from('SIMGEN-JOURNAL/2', 'latin1');
/** Journals written before run ids (simgen <= 0.1 before issue 25): recognised only to say so. */
const MAGIC_V1 = Buffer.from('SIMGEN-JOURNAL/1', 'latin1');
const RUN_ID = 16;
const PREAMBLE = MAGIC.length + RUN_ID + 8;
const TAG_BLOCK = 0x4b4c4231;
const TAG_END = 0x444e4531;
const RECORD_HEAD = 16 + RUN_ID;

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A record in the file: block id and where its payload lies. */
export interface JournalRecord {
  id: number;
  offset: number;
  length: number;
}

export interface JournalScan {
  /** The header, or null when the file is missing, too short or not a journal. */
  header: Json | null;
  /** The journal's run id (null without a header); true in `olderFormat` for a journal of the format before run ids. */
  run: Buffer | null;
  olderFormat: boolean;
  records: JournalRecord[];
  /** The end record's JSON when the journal is finished. */
  end: Json | null;
  /** Bytes of the valid prefix (header and whole records); what follows is torn or foreign. */
  validBytes: number;
  /** Where the first record starts (the header's end). */
  recordsStart: number;
}

function readAt(fd: number, length: number, position: number): Buffer {
  const b = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const n = fs.readSync(fd, b, got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got === length ? b : b.subarray(0, got);
}

function parseJson(bytes: Buffer): Json | undefined {
  try {
    return JSON.parse(bytes.toString('utf8')) as Json;
  } catch {
    return undefined;
  }
}

/**
 * Reads a journal's header and its valid records. `verify` checks every payload's CRC (reading the whole
 * file); without it, records are checked for tag and length only (a few bytes each).
 */
export function scanJournal(file: string, opts: { verify?: boolean } = {}): JournalScan {
  if (!fs.existsSync(file)) return emptyScan(false);
  const fd = fs.openSync(file, 'r');
  try {
    return scanFd(fd, opts);
  } finally {
    fs.closeSync(fd);
  }
}

const emptyScan = (olderFormat: boolean): JournalScan => ({ header: null, run: null, olderFormat, records: [], end: null, validBytes: 0, recordsStart: 0 });

function scanFd(fd: number, opts: { verify?: boolean }): JournalScan {
  const size = fs.fstatSync(fd).size;
  const head = readAt(fd, PREAMBLE, 0);
  if (head.length < PREAMBLE || !head.subarray(0, MAGIC.length).equals(MAGIC)) return emptyScan(head.subarray(0, MAGIC_V1.length).equals(MAGIC_V1));
  const run = Buffer.from(head.subarray(MAGIC.length, MAGIC.length + RUN_ID));
  const hlen = head.readUInt32LE(MAGIC.length + RUN_ID);
  const hcrc = head.readUInt32LE(MAGIC.length + RUN_ID + 4);
  if (PREAMBLE + hlen > size) return emptyScan(false);
  const hbytes = readAt(fd, hlen, PREAMBLE);
  const header = crc32(hbytes) === hcrc ? parseJson(hbytes) : undefined;
  if (header === undefined) return emptyScan(false);
  const scan: JournalScan = { header, run, olderFormat: false, records: [], end: null, validBytes: PREAMBLE + hlen, recordsStart: PREAMBLE + hlen };
  let at = scan.validBytes;
  while (at + RECORD_HEAD <= size) {
    const rh = readAt(fd, RECORD_HEAD, at);
    const tag = rh.readUInt32LE(0), id = rh.readUInt32LE(4), length = rh.readUInt32LE(8), crc = rh.readUInt32LE(12);
    if ((tag !== TAG_BLOCK && tag !== TAG_END) || at + RECORD_HEAD + length > size || !rh.subarray(16, RECORD_HEAD).equals(run)) break;
    const needPayload = opts.verify || tag === TAG_END;
    const payload = needPayload ? readAt(fd, length, at + RECORD_HEAD) : null;
    if (payload && crc32(payload) !== crc) break;
    if (tag === TAG_END) {
      const end = parseJson(payload!);
      if (end === undefined) break;
      scan.end = end;
      scan.validBytes = at + RECORD_HEAD + length;
      break;
    }
    scan.records.push({ id, offset: at + RECORD_HEAD, length });
    at += RECORD_HEAD + length;
    scan.validBytes = at;
  }
  return scan;
}

/** One record's payload, its CRC checked; throws if the bytes changed since the scan. */
export function readRecord(fd: number, rec: JournalRecord, file: string): Buffer {
  const head = readAt(fd, RECORD_HEAD, rec.offset - RECORD_HEAD);
  const payload = readAt(fd, rec.length, rec.offset);
  if (head.length < RECORD_HEAD || payload.length !== rec.length || head.readUInt32LE(8) !== rec.length || crc32(payload) !== head.readUInt32LE(12))
    throw new JournalDamaged(`${file}: record of block ${rec.id} is damaged (its CRC-32 does not match)`);
  return payload;
}

export class JournalDamaged extends Error {}

const sameJson = (a: Json | null, b: Json) => a !== null && JSON.stringify(a) === JSON.stringify(b);

export class JournalWriter {
  private position: number;

  /** The records in the file: those kept when it was opened, then those appended. */
  readonly records: JournalRecord[];

  private constructor(readonly file: string, private readonly fd: number, private readonly run: Buffer, position: number, kept: JournalRecord[]) {
    this.position = position;
    this.records = [...kept];
  }

  /**
   * Opens `file` to continue the work it describes. A journal with the same header keeps the first
   * `keep(records)` of its valid records (the caller checks they are the ones it expects); any other file
   * (absent, torn header, another header) is replaced by a fresh journal. A symbolic link or anything but a
   * regular file at `file` is refused (EnvironmentError). Returns the writer, the kept records and the end
   * record when the kept journal is finished.
   */
  static open(file: string, header: Json, keep: (records: JournalRecord[]) => number): { writer: JournalWriter; records: JournalRecord[]; end: Json | null } {
    const fd = openOwnFile(file);
    if (fd !== undefined) {
      const scan = scanFd(fd, { verify: true });
      if (sameJson(scan.header, header)) {
        const n = keep(scan.records);
        const records = scan.records.slice(0, n);
        const end = n === scan.records.length ? scan.end : null;
        const valid = end !== null ? scan.validBytes : n > 0 ? records[n - 1].offset + records[n - 1].length : scan.recordsStart;
        const size = fs.fstatSync(fd).size;
        if (valid === size) return { writer: new JournalWriter(file, fd, scan.run!, valid, records), records, end };
        // Bytes to drop: the kept prefix goes to a new file, renamed over this one.
        const copy = copyPrefix(fd, valid, file);
        fs.closeSync(fd);
        return { writer: new JournalWriter(file, copy, scan.run!, valid, records), records, end };
      }
      fs.closeSync(fd);
    }
    const run = crypto.randomBytes(RUN_ID);
    const head = headerBytes(header, run);
    const t = createTemp(file);
    try {
      onFile(file, () => {
        writeAll(t.fd, head);
        fs.fsyncSync(t.fd);
      });
    } catch (e) {
      fs.closeSync(t.fd);
      discard(t.path);
      throw e;
    }
    publish(t.path, file);
    return { writer: new JournalWriter(file, t.fd, run, head.length, []), records: [], end: null };
  }

  /** Appends one completed block and makes it durable. */
  append(id: number, payload: Uint8Array): void {
    this.records.push({ id, offset: this.position + RECORD_HEAD, length: payload.length });
    this.write(TAG_BLOCK, id, payload);
  }

  /** Marks the journal finished: every block is in. */
  end(info: Json): void {
    this.write(TAG_END, 0, Buffer.from(JSON.stringify(info), 'utf8'));
  }

  close(): void {
    fs.closeSync(this.fd);
  }

  private write(tag: number, id: number, payload: Uint8Array): void {
    if (payload.length > 0xffffffff) throw new Error(`journal ${this.file}: a record of ${payload.length} bytes is over 4 GiB`);
    const rec = Buffer.allocUnsafe(RECORD_HEAD + payload.length);
    rec.writeUInt32LE(tag, 0);
    rec.writeUInt32LE(id, 4);
    rec.writeUInt32LE(payload.length, 8);
    rec.writeUInt32LE(crc32(payload), 12);
    this.run.copy(rec, 16);
    rec.set(payload, RECORD_HEAD);
    onFile(this.file, () => {
      for (let at = 0; at < rec.length; ) at += fs.writeSync(this.fd, rec, at, rec.length - at, this.position + at);
      fs.fdatasyncSync(this.fd);
    });
    this.position += rec.length;
  }
}

/** The first `bytes` of the open journal `fd` in a new file renamed over `file`; returns the new file, open for writing. */
function copyPrefix(fd: number, bytes: number, file: string): number {
  const t = createTemp(file);
  try {
    onFile(file, () => {
      const buf = Buffer.allocUnsafe(Math.min(bytes, 1 << 20));
      for (let at = 0; at < bytes; ) {
        const n = fs.readSync(fd, buf, 0, Math.min(buf.length, bytes - at), at);
        if (n === 0) throw new Error(`journal ${file}: shorter than its scan`);
        writeAll(t.fd, buf.subarray(0, n));
        at += n;
      }
      fs.fsyncSync(t.fd);
    });
  } catch (e) {
    fs.closeSync(t.fd);
    discard(t.path);
    throw e;
  }
  publish(t.path, file);
  return t.fd;
}

function headerBytes(header: Json, run: Buffer): Buffer {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const head = Buffer.alloc(PREAMBLE);
  MAGIC.copy(head, 0);
  run.copy(head, MAGIC.length);
  head.writeUInt32LE(json.length, MAGIC.length + RUN_ID);
  head.writeUInt32LE(crc32(json), MAGIC.length + RUN_ID + 4);
  return Buffer.concat([head, json]);
}
