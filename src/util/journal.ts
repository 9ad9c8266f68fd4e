import fs from 'node:fs';
import path from 'node:path';
import { crc32 } from './crc32.ts';

// A block journal: an append-only file holding a JSON header, then one record per completed unit of work
// (a block id and its payload bytes), then an end record. Every record carries its length and CRC-32 and is
// fsync'ed before the next unit starts. A process killed at any moment leaves a journal whose valid prefix
// is every record it completed; the next run with the same header keeps that prefix (cutting off a torn last
// record) and appends after it. Layout (little-endian):
//
//   "SIMGEN-JOURNAL/1" | u32 header length | u32 header CRC | header JSON
//   record: u32 tag (BLOCK or END) | u32 id | u32 payload length | u32 payload CRC | payload
//
// The end record's payload is JSON; a journal with it holds all its work. Nothing after it is read.

const MAGIC = Buffer.from('SIMGEN-JOURNAL/1', 'latin1');
const TAG_BLOCK = 0x4b4c4231;
const TAG_END = 0x444e4531;
const RECORD_HEAD = 16;

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
  records: JournalRecord[];
  /** The end record's JSON when the journal is finished. */
  end: Json | null;
  /** Bytes of the valid prefix (header and whole records); what follows is torn or foreign. */
  validBytes: number;
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
  const empty: JournalScan = { header: null, records: [], end: null, validBytes: 0 };
  if (!fs.existsSync(file)) return empty;
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const head = readAt(fd, MAGIC.length + 8, 0);
    if (head.length < MAGIC.length + 8 || !head.subarray(0, MAGIC.length).equals(MAGIC)) return empty;
    const hlen = head.readUInt32LE(MAGIC.length);
    const hcrc = head.readUInt32LE(MAGIC.length + 4);
    if (MAGIC.length + 8 + hlen > size) return empty;
    const hbytes = readAt(fd, hlen, MAGIC.length + 8);
    const header = crc32(hbytes) === hcrc ? parseJson(hbytes) : undefined;
    if (header === undefined) return empty;
    const scan: JournalScan = { header, records: [], end: null, validBytes: MAGIC.length + 8 + hlen };
    let at = scan.validBytes;
    while (at + RECORD_HEAD <= size) {
      const rh = readAt(fd, RECORD_HEAD, at);
      const tag = rh.readUInt32LE(0), id = rh.readUInt32LE(4), length = rh.readUInt32LE(8), crc = rh.readUInt32LE(12);
      if ((tag !== TAG_BLOCK && tag !== TAG_END) || at + RECORD_HEAD + length > size) break;
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
  } finally {
    fs.closeSync(fd);
  }
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

/** fsync a directory so a file created or renamed in it survives a power loss (not possible on Windows). */
export function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Windows cannot open a directory for fsync; its renames are durable on their own.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

export class JournalWriter {
  private position: number;

  /** The records in the file: those kept when it was opened, then those appended. */
  readonly records: JournalRecord[];

  private constructor(readonly file: string, private readonly fd: number, position: number, kept: JournalRecord[]) {
    this.position = position;
    this.records = [...kept];
  }

  /**
   * Opens `file` to continue the work it describes. A journal with the same header keeps the first
   * `keep(records)` of its valid records (the caller checks they are the ones it expects) and whatever follows
   * them is cut off; any other file (absent, torn header, another header) is replaced by a fresh journal.
   * Returns the writer, the kept records and the end record when the kept journal is finished.
   */
  static open(file: string, header: Json, keep: (records: JournalRecord[]) => number): { writer: JournalWriter; records: JournalRecord[]; end: Json | null } {
    const scan = scanJournal(file, { verify: true });
    if (sameJson(scan.header, header)) {
      const n = keep(scan.records);
      const records = scan.records.slice(0, n);
      const end = n === scan.records.length ? scan.end : null;
      const valid = end !== null ? scan.validBytes : n > 0 ? records[n - 1].offset + records[n - 1].length : headerBytes(header).length;
      const fd = fs.openSync(file, 'r+');
      fs.ftruncateSync(fd, valid);
      fs.fsyncSync(fd);
      return { writer: new JournalWriter(file, fd, valid, records), records, end };
    }
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const fd = fs.openSync(file, 'w');
    const head = headerBytes(header);
    fs.writeSync(fd, head, 0, head.length, 0);
    fs.fsyncSync(fd);
    syncDir(path.dirname(file));
    return { writer: new JournalWriter(file, fd, head.length, []), records: [], end: null };
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
    rec.set(payload, RECORD_HEAD);
    for (let at = 0; at < rec.length; ) at += fs.writeSync(this.fd, rec, at, rec.length - at, this.position + at);
    this.position += rec.length;
    fs.fdatasyncSync(this.fd);
  }
}

function headerBytes(header: Json): Buffer {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const head = Buffer.alloc(MAGIC.length + 8);
  MAGIC.copy(head, 0);
  head.writeUInt32LE(json.length, MAGIC.length);
  head.writeUInt32LE(crc32(json), MAGIC.length + 4);
  return Buffer.concat([head, json]);
}
