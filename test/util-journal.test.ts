import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { JournalWriter, readRecord, scanJournal } from '../src/util/journal.ts';

// The block journal under every possible tear: cut at each byte offset (what a kill during a write
// leaves), the next open keeps exactly the whole records before the cut, and appending the rest gives
// the same bytes as an uninterrupted journal. A changed byte drops its record and everything after it.

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
    assert.ok(fs.readFileSync(cut).equals(bytes), `cut at ${len}: resumed journal differs from the uninterrupted one`);
  }
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
