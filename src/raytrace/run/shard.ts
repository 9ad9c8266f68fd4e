// Which share of a raytrace run this process traces: shard `index` of `count` (0-based) gets the blocks
// k with k mod count == index. Each block's numbers depend only on its receivers, so the union of the
// shards is the same whatever the count. The shard comes from --shard i/n or the job array the process runs
// in (src/cli/shard.ts, docs/scale.md).

export interface Shard {
  index: number;
  count: number;
}

export const WHOLE: Shard = { index: 0, count: 1 };

/** Block ids of the shard among `total` blocks, ascending. */
export function shardBlocks(total: number, shard: Shard): number[] {
  const ids: number[] = [];
  for (let k = shard.index; k < total; k += shard.count) ids.push(k);
  return ids;
}
