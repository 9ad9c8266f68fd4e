import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { JournalWriter, readRecord, scanJournal } from '../src/util/journal.ts';

// The block journal under every possible tear: cut at each byte offset (what a kill during a write
// leaves), the next open keeps exactly the whole records before the cut, and appending the rest gives
// the same bytes as an uninterrupted journal (a journal whose header was cut starts afresh, with its own run
// id). A changed byte drops its record and everything after it, and so does a record of another run. A
// journal is never rewritten in place: a resumed one whose tail goes, and a replaced one, are new files
// renamed over the old, which a process still holding it open keeps unchanged. A link at the journal's name
// is refused.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simgen-journal-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
const header = { format: 'test/1', key: 'abc', blocks: 4 };
const payloads = [Buffer.from('first block'), Buffer.alloc(300, 7), Buffer.from(''), Buffer.from('last')];
const keepAll = (recs: { id: number }[]) => recs.length;

function writeJournal(file: string, upTo = payloads.length, end = true): void {
  const { writer } = JournalWriter.open(file, header, keepAll);
  payloads.slice(0, upTo).forEach((p, i) => writer.append(10 + i, p));
  if (end) writer.end({ blocks: payloads.length });
  writer.close();
}

test('a journal cut at any byte resumes from its last whole record and ends byte-identical', () => {
  const full = path.join(dir, 'full.journal');
  writeJournal(full);
  const bytes = fs.readFileSync(full);
  const scan = scanJournal(full, { verify: true });
  assert.deepEqual(scan.header, header);
  assert.deepEqual(scan.end, { blocks: 4 });
  assert.deepEqual(scan.records.map((r) => r.id), [10, 11, 12, 13]);
  const fd = fs.openSync(full, 'r');
  scan.records.forEach((r, i) => assert.deepEqual(readRecord(fd, r, full), payloads[i]));
  fs.closeSync(fd);
  // Byte offset where each record ends: a cut at or after it keeps that record.
  const ends = scan.records.map((r) => r.offset + r.length);

  const cut = path.join(dir, 'cut.journal');
  for (let len = 0; len <= bytes.length; len++) {
    fs.writeFileSync(cut, bytes.subarray(0, len));
    const { writer, records, end } = JournalWriter.open(cut, header, keepAll);
    const whole = len === bytes.length ? 4 : ends.filter((e) => e <= len).length;
    assert.equal(records.length, whole, `cut at ${len}: kept ${records.length} records, expected ${whole}`);
    assert.equal(end !== null, len === bytes.length, `cut at ${len}: end record`);
    if (end === null) {
      payloads.slice(records.length).forEach((p, i) => writer.append(10 + records.length + i, p));
      writer.end({ blocks: payloads.length });
    }
    writer.close();
    const resumed = fs.readFileSync(cut);
    const run = scanJournal(cut).run!;
    const headerKept = len >= scan.recordsStart;
    assert.equal(run.equals(scan.run!), headerKept, `cut at ${len}: the run id is kept exactly when the header is`);
    assert.ok(withRun(resumed, scanJournal(cut), scan.run!).equals(bytes), `cut at ${len}: resumed journal differs from the uninterrupted one`);
  }
});

/** `bytes` of a journal with its run id (preamble and record heads) replaced by `run`. */
function withRun(bytes: Buffer, s: ReturnType<typeof scanJournal>, run: Buffer): Buffer {
  const out = Buffer.from(bytes);
  run.copy(out, 16);
  for (const r of s.records) run.copy(out, r.offset - 16);
  const endHead = s.records.length > 0 ? s.records[s.records.length - 1].offset + s.records[s.records.length - 1].length : s.recordsStart;
  if (s.end !== null) run.copy(out, endHead + 16);
  return out;
}

test('a record of another run ends the prefix; resuming or replacing a journal never writes into the old file; a link is refused', () => {
  const file = path.join(dir, 'runs.journal');
  writeJournal(file, 3, false);
  const scan = scanJournal(file);
  // Record 1 carries another run id: it and what follows are not this journal's.
  const bytes = fs.readFileSync(file);
  const foreign = Buffer.from(bytes);
  foreign[scan.records[1].offset - 16] ^= 0x01;
  fs.writeFileSync(file, foreign);
  assert.deepEqual(scanJournal(file, { verify: true }).records.map((r) => r.id), [10]);

  // Resumed with a tail to drop: the kept prefix goes to a new file; the old one, held open, is untouched.
  const held = fs.openSync(file, 'r');
  const before = fs.fstatSync(held);
  const resumed = JournalWriter.open(file, header, keepAll);
  assert.deepEqual(resumed.records.map((r) => r.id), [10]);
  resumed.writer.append(11, payloads[1]);
  resumed.writer.close();
  assert.notEqual(fs.statSync(file).ino, before.ino, 'a new file');
  assert.equal(fs.fstatSync(held).size, before.size, 'the old file keeps its length');
  fs.closeSync(held);
  assert.deepEqual(scanJournal(file, { verify: true }).records.map((r) => r.id), [10, 11]);

  // Resumed with nothing to drop: appended in place (same file).
  const ino = fs.statSync(file).ino;
  const again = JournalWriter.open(file, header, keepAll);
  again.writer.append(12, payloads[2]);
  again.writer.close();
  assert.equal(fs.statSync(file).ino, ino);
  assert.deepEqual(scanJournal(file, { verify: true }).records.map((r) => r.id), [10, 11, 12]);

  // Another header: a fresh journal in a new file, the old one left as it was for whoever holds it.
  const old = fs.openSync(file, 'r');
  const oldBytes = fs.readFileSync(file);
  const other = JournalWriter.open(file, { ...header, key: 'other' }, keepAll);
  other.writer.append(1, Buffer.from('x'));
  other.writer.close();
  const kept = Buffer.alloc(oldBytes.length);
  fs.readSync(old, kept, 0, kept.length, 0);
  assert.ok(kept.equals(oldBytes) && fs.fstatSync(old).size === oldBytes.length, 'the replaced journal was not written into');
  fs.closeSync(old);

  // A symbolic link at the journal's name (to a file outside the folder): refused, the file unchanged.
  const outside = path.join(dir, 'outside.txt');
  fs.writeFileSync(outside, 'precious');
  const link = path.join(dir, 'sub', '.links.arrow.journal');
  fs.mkdirSync(path.dirname(link), { recursive: true });
  fs.symlinkSync(outside, link);
  assert.throws(() => JournalWriter.open(link, header, keepAll), (e: Error) => e.name === 'EnvironmentError' && /is a symbolic link .*never writes through a link/.test(e.message));
  assert.equal(fs.readFileSync(outside, 'utf8'), 'precious');
  assert.deepEqual(fs.readdirSync(path.dirname(link)), ['.links.arrow.journal'], 'no temporary file left');
});

test('a changed byte drops its record and the ones after; another header starts afresh; the caller picks the prefix', () => {
  const file = path.join(dir, 'flip.journal');
  writeJournal(file);
  const bytes = fs.readFileSync(file);
  const scan = scanJournal(file);
  const r1 = scan.records[1];
  const flipped = Buffer.from(bytes);
  flipped[r1.offset + 5] ^= 0xff;
  fs.writeFileSync(file, flipped);
  assert.deepEqual(scanJournal(file, { verify: true }).records.map((r) => r.id), [10]);
  assert.deepEqual(scanJournal(file).records.map((r) => r.id), [10, 11, 12, 13], 'without verify only lengths are read');
  const fd = fs.openSync(file, 'r');
  assert.throws(() => readRecord(fd, scan.records[1], file), /damaged/);
  fs.closeSync(fd);

  // Another header (e.g. another input_key): nothing kept.
  writeJournal(file);
  const other = JournalWriter.open(file, { ...header, key: 'xyz' }, keepAll);
  assert.equal(other.records.length, 0);
  other.writer.close();
  assert.deepEqual(scanJournal(file).header, { ...header, key: 'xyz' });

  // The caller keeps a prefix only (e.g. records of other blocks than it expects).
  writeJournal(file, 3, false);
  const part = JournalWriter.open(file, header, () => 1);
  assert.deepEqual(part.records.map((r) => r.id), [10]);
  part.writer.close();
  assert.equal(fs.statSync(file).size, scanJournal(file).validBytes);
  assert.deepEqual(scanJournal(file).records.map((r) => r.id), [10]);

  // Not a journal at all.
  fs.writeFileSync(file, 'x,y,z\n1,2,3\n');
  assert.equal(scanJournal(file).header, null);
});
