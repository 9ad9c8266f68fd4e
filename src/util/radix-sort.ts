// Indices sorted by non-negative float64 keys, ties by index: the order that
// `order.sort((a, b) => key[a] - key[b] || a - b)` gives, by a stable LSD radix sort over the keys' bits instead
// of a comparator call per comparison (a visibility polygon sorts ~50,000 samples per receiver on a large map).
// A double >= +0 orders as its IEEE bits read as an unsigned integer; -0 is read as +0 (the comparator ties them).

const BITS = 11;
const BUCKETS = 1 << BITS;
/** Word (0 low, 1 high, of a little-endian double) and shift of each pass: bits 0-10, 11-21, 22-31 of each word. */
const PASSES: [number, number][] = [[0, 0], [0, 11], [0, 22], [1, 0], [1, 11], [1, 22]];
/** Below this many keys the comparator sort is used (the same order). */
const SMALL = 256;

export class RadixSorter {
  private keys = new Float64Array(0);
  private words = new Uint32Array(0);
  private tmp = new Int32Array(0);
  private readonly count = new Int32Array(BUCKETS);

  /** Fills order[0 ..< n) with 0 ..< n sorted by keys[i] (each >= 0, not NaN), ties in index order. */
  sort(keys: Float64Array, n: number, order: Int32Array): void {
    if (this.keys.length < n) {
      this.keys = new Float64Array(n);
      this.words = new Uint32Array(this.keys.buffer);
      this.tmp = new Int32Array(n);
    }
    if (n < SMALL) {
      // A few keys (a small map's polygon): the comparator sort costs less than the passes' bucket counts.
      for (let i = 0; i < n; i++) order[i] = i;
      order.subarray(0, n).sort((a, b) => keys[a] - keys[b] || a - b);
      return;
    }
    const k = this.keys, w = this.words, count = this.count;
    for (let i = 0; i < n; i++) {
      k[i] = keys[i] + 0; // -0 + 0 is +0
      order[i] = i;
    }
    let src: Int32Array = order, dst: Int32Array = this.tmp;
    for (const [hi, shift] of PASSES) {
      count.fill(0);
      for (let i = 0; i < n; i++) count[(w[2 * src[i] + hi] >>> shift) & (BUCKETS - 1)]++;
      if (count.includes(n)) continue; // one digit for all: the pass would not move anything
      for (let b = 0, sum = 0; b < BUCKETS; b++) {
        const c = count[b];
        count[b] = sum;
        sum += c;
      }
      for (let i = 0; i < n; i++) {
        const j = src[i];
        dst[count[(w[2 * j + hi] >>> shift) & (BUCKETS - 1)]++] = j;
      }
      [src, dst] = [dst, src];
    }
    if (src !== order) order.set(src.subarray(0, n));
  }
}

// The passes read a double's low word at 2i and its high word at 2i + 1: little-endian, as on every platform
// Node runs on; checked once rather than assumed.
if (new Uint32Array(new Float64Array([1]).buffer)[1] !== 0x3ff00000) throw new Error('radix-sort.ts needs a little-endian platform');
