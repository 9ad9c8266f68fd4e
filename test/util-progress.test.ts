import assert from 'node:assert/strict';
import { mock, test } from 'node:test';
import { clearProgressBar, formatDuration, LINE_INTERVAL_MS, Progress, progressLine, setProgressStyle } from '../src/util/progress.ts';

// Progress on stderr: a bar on a terminal, a line every few seconds in a log (with the rate and the time left),
// nothing with quiet. The clock and the stderr writes are mocked, so the test runs in no time.

function capture(): { lines: string[]; restore: () => void } {
  const lines: string[] = [];
  const original = process.stderr.write;
  process.stderr.write = ((chunk: string) => {
    lines.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
  return { lines, restore: () => void (process.stderr.write = original) };
}

test('formatDuration and progressLine', () => {
  assert.equal(formatDuration(7.4), '7 s');
  assert.equal(formatDuration(425), '7 min 05 s');
  assert.equal(formatDuration(7380), '2 h 03 min');
  assert.equal(progressLine('raytrace', 113562, 454248, 'links', 12, { rate: 9466.2, left: 36 }), 'raytrace: 25 % (113562 of 454248 links) in 12 s, 9466 links/s, about 36 s left');
  assert.equal(progressLine('raytrace', 0, 10, 'links', 3, { rate: 0 }), 'raytrace: 0 % (0 of 10 links) in 3 s');
  assert.equal(progressLine('raytrace', 60, 100, 'links', 3, { rate: 2.5, left: 16 }, 40), 'raytrace: 60 % (60 of 100 links, 40 before this run) in 3 s, 2.5 links/s, about 16 s left');
});

test('not a terminal: a line every few seconds with rate and time left, a heartbeat while nothing finishes', () => {
  mock.timers.enable({ apis: ['Date', 'setInterval'] });
  const out = capture();
  const tty = process.stderr.isTTY;
  try {
    process.stderr.isTTY = false;
    const p = new Progress('stage', 1000, false, { unit: 'links' });
    mock.timers.tick(2000);
    p.update(100); // the first update: the rate is measured from here
    assert.equal(out.lines.length, 0, 'no line before the interval');
    mock.timers.tick(LINE_INTERVAL_MS);
    p.update(600);
    assert.equal(out.lines.length, 1);
    assert.equal(out.lines[0], 'stage: 60 % (600 of 1000 links) in 7 s, 100 links/s, about 4 s left\n');
    mock.timers.tick(1000);
    p.update(650);
    assert.equal(out.lines.length, 1, 'at most one line per interval');
    // Nothing finishes for a while: a line still comes within 10 s.
    mock.timers.tick(10_000);
    assert.equal(out.lines.length, 2);
    assert.match(out.lines[1], /^stage: 65 % \(650 of 1000 links\) in 1\d s/);
    p.done();
    mock.timers.tick(20_000);
    assert.equal(out.lines.length, 2, 'done() stops the heartbeat');
    assert.ok(out.lines.every((l) => !l.includes('\r') && !l.includes('\x1b')), 'plain lines, no terminal codes');
  } finally {
    process.stderr.isTTY = tty;
    out.restore();
    mock.timers.reset();
  }
});

test('quiet prints nothing; --progress (style bar) draws the bar in a log too', () => {
  mock.timers.enable({ apis: ['Date', 'setInterval'] });
  const out = capture();
  const tty = process.stderr.isTTY;
  try {
    process.stderr.isTTY = false;
    const q = new Progress('stage', 10, true);
    mock.timers.tick(20_000);
    q.update(5);
    q.done();
    assert.deepEqual(out.lines, []);
    setProgressStyle('bar');
    const b = new Progress('stage', 10, false, { unit: 'tracks' });
    mock.timers.tick(1000);
    b.update(5);
    assert.equal(out.lines.length, 1);
    assert.match(out.lines[0], /^\rstage \[#{15}\.{15}\] 50% 5\/10 tracks/);
    clearProgressBar();
    assert.equal(out.lines[1], '\r\x1b[K');
    b.done();
    assert.equal(out.lines.length, 2, 'a cleared bar needs no newline');
  } finally {
    setProgressStyle('auto');
    process.stderr.isTTY = tty;
    out.restore();
    mock.timers.reset();
  }
});
