import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RadixSorter } from '../src/util/radix-sort.ts';
import { randInt, rngFor } from '../src/util/rng.ts';

// The visibility polygon's sort (src/raytrace/engine/visibility.ts) must give exactly the comparator sort's order,
// ties by index included: its samples' order decides the polygon, and the ray tracer's outputs are compared byte
// for byte.
test('radix sort: the order of the comparator sort (key, then index), on keys with ties, +-0, tiny and wide-ranged values', () => {
  const rng = rngFor(7, 'radix-sort-test');
  const sorter = new RadixSorter();
  for (const n of [0, 1, 2, 17, 255, 256, 1000, 50_000]) {
    const keys = new Float64Array(n + 3);
    for (let i = 0; i < n; i++) {
      const kind = randInt(rng, 5);
      // pseudo-angles in [0, 4); a few repeated values; values a rounding apart; tiny ones; zeros of both signs
      keys[i] = kind === 0 ? 4 * rng() : kind === 1 ? randInt(rng, 8) / 2 : kind === 2 ? 1 + randInt(rng, 4) * Number.EPSILON : kind === 3 ? rng() * 1e-300 : randInt(rng, 2) ? 0 : -0;
    }
    const want = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => keys[a] - keys[b] || a - b);
    const order = new Int32Array(n + 3).fill(-1);
    sorter.sort(keys, n, order);
    assert.deepEqual(order.subarray(0, n), want, `n = ${n}`);
    assert.deepEqual([...order.subarray(n)], [-1, -1, -1], 'nothing written past n');
  }
});
