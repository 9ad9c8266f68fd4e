import { test } from 'node:test';
import assert from 'node:assert/strict';
import { itemKey, NormalStream } from '../src/util/gaussian.ts';

test('normal streams: mean 0, variance 1, 3-sigma tail, no lag-1 or cross-stream correlation; same key and stream -> same numbers', () => {
  const key = itemKey(2024, 'measure/3/17/5');
  const a = new NormalStream(key, 7), b = new NormalStream(key, 8);
  const n = 400_000;
  let m = 0, v = 0, tail = 0, lag = 0, cross = 0, prev = 0;
  for (let i = 0; i < n; i++) {
    const x = a.next(), y = b.next();
    m += x;
    v += x * x;
    if (Math.abs(x) > 3) tail++;
    lag += x * prev;
    cross += x * y;
    prev = x;
  }
  const se = 1 / Math.sqrt(n); // standard error of a mean of unit-variance products
  assert.ok(Math.abs(m / n) < 5 * se, `mean ${m / n}`);
  assert.ok(Math.abs(v / n - 1) < 5 * Math.SQRT2 * se, `variance ${v / n}`);
  assert.ok(Math.abs(tail / n - 0.0026998) < 5 * Math.sqrt(0.0027 / n), `tail ${tail / n}`);
  assert.ok(Math.abs(lag / n) < 5 * se && Math.abs(cross / n) < 5 * se, `lag ${lag / n} cross ${cross / n}`);
  const c = new NormalStream(itemKey(2024, 'measure/3/17/5'), 7);
  const d = new NormalStream(key, 7);
  for (let i = 0; i < 100; i++) assert.equal(c.next(), d.next());
  assert.notDeepEqual(itemKey(2024, 'measure/3/17/5'), itemKey(2025, 'measure/3/17/5'));
});

test('gamma variates: mean and variance equal the shape', () => {
  const s = new NormalStream(itemKey(1, 'gamma'), 0);
  for (const shape of [1.5, 63, 3167]) {
    const n = 40_000;
    let m = 0, v = 0;
    for (let i = 0; i < n; i++) {
      const g = s.gamma(shape);
      m += g;
      v += g * g;
    }
    m /= n;
    v = v / n - m * m;
    assert.ok(Math.abs(m - shape) < 5 * Math.sqrt(shape / n), `shape ${shape}: mean ${m}`);
    assert.ok(Math.abs(v / shape - 1) < 0.05, `shape ${shape}: variance ${v}`);
  }
});
