/**
 * A one-line progress bar on stderr with an estimate of time left. Silent when stderr is not a
 * terminal or when quiet is set, so logs and CI output stay clean.
 */
export class Progress {
  private readonly start = Date.now();
  private lastDraw = 0;
  private readonly enabled: boolean;

  constructor(private readonly label: string, private readonly total: number, quiet = false) {
    this.enabled = !quiet && Boolean(process.stderr.isTTY);
  }

  update(done: number, extra = ''): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.lastDraw < 100 && done < this.total) return;
    this.lastDraw = now;
    const frac = this.total > 0 ? Math.min(1, done / this.total) : 1;
    const width = 30;
    const filled = Math.round(frac * width);
    const elapsed = (now - this.start) / 1000;
    const eta = frac > 0 ? (elapsed * (1 - frac)) / frac : NaN;
    const etaText = Number.isFinite(eta) ? `${eta.toFixed(0)}s left` : '';
    process.stderr.write(`\r${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(frac * 100).toFixed(0)}% ${done}/${this.total} ${etaText} ${extra}\x1b[K`);
  }

  done(): void {
    if (this.enabled) process.stderr.write('\n');
  }
}
