// Mean and standard deviation per column, accumulated batch by batch. Sums are taken around the
// first value seen (a shift), so a constant column gets std exactly 0 and large offsets (site
// positions ~500 m) lose no precision.

/** Per-column statistics; std is the population standard deviation (0 for a constant column). */
export interface ColumnStats {
  mean: number[];
  std: number[];
}

/** The dataset's normalisation record: training split only, known (not unseen) constellations only. */
export interface Normalisation {
  features: ColumnStats;
  labels: ColumnStats & { names: ['x', 'y'] };
  /** Rows the statistics were computed over. */
  rows: number;
}

export class RunningStats {
  private readonly shift: Float64Array;
  private readonly sum: Float64Array;
  private readonly sumSq: Float64Array;
  count = 0;

  constructor(readonly width: number) {
    this.shift = new Float64Array(width);
    this.sum = new Float64Array(width);
    this.sumSq = new Float64Array(width);
  }

  /** Add one row: values[offset .. offset + width). */
  add(values: ArrayLike<number>, offset = 0): void {
    if (this.count === 0) for (let j = 0; j < this.width; j++) this.shift[j] = values[offset + j];
    for (let j = 0; j < this.width; j++) {
      const d = values[offset + j] - this.shift[j];
      this.sum[j] += d;
      this.sumSq[j] += d * d;
    }
    this.count++;
  }

  result(): ColumnStats {
    const n = Math.max(1, this.count);
    const mean: number[] = [];
    const std: number[] = [];
    for (let j = 0; j < this.width; j++) {
      const m = this.sum[j] / n;
      mean.push(this.shift[j] + m);
      std.push(Math.sqrt(Math.max(0, this.sumSq[j] / n - m * m)));
    }
    return { mean, std };
  }
}
