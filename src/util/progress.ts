/**
 * Progress of a long stage on stderr. On a terminal: a one-line bar redrawn in place, with the rate and the
 * time left. Elsewhere (a log file, a Slurm or Kubernetes job, CI): a plain line every few seconds with the
 * same numbers, so a log shows that the run is alive and when it will end. `--quiet` silences both;
 * `--progress` draws the bar even when stderr is not a terminal.
 */

/** 'auto': the bar on a terminal, lines elsewhere. */
export type ProgressStyle = 'auto' | 'bar' | 'lines';

let style: ProgressStyle = 'auto';
/** Whether a bar is drawn on the current stderr line (a log line must clear it first). */
let barShown = false;

/** Set once by the command line (--progress forces the bar). */
export function setProgressStyle(s: ProgressStyle): void {
  style = s;
}

/** Time between two progress lines in a log, when items finish. */
export const LINE_INTERVAL_MS = 5000;
/** The longest a log goes without a progress line while a stage runs (and its event loop is free). */
const HEARTBEAT_MS = 9000;

export interface ProgressOptions {
  /** What is counted, plural ("links", "tracks"); default "done". */
  unit?: string;
  /** Already done before this run (a resumed run): left out of the rate. */
  initial?: number;
}

export class Progress {
  private readonly start = Date.now();
  private lastDraw = 0;
  private lastLine: number;
  private readonly mode: 'off' | 'bar' | 'lines';
  private readonly unit: string;
  private readonly initial: number;
  /** The first update (count, ms): the rate is measured from there, past the set-up before any item is done. */
  private first?: { done: number; at: number };
  private last = { done: 0, extra: '' };
  private heartbeat?: NodeJS.Timeout;

  constructor(private readonly label: string, private readonly total: number, quiet = false, opts: ProgressOptions = {}) {
    this.mode = quiet ? 'off' : style === 'bar' || (style === 'auto' && process.stderr.isTTY) ? 'bar' : 'lines';
    this.unit = opts.unit ?? 'done';
    this.initial = opts.initial ?? 0;
    this.last.done = this.initial;
    this.lastLine = this.start;
    // In a log, a line at least every HEARTBEAT_MS even while nothing finishes (a long set-up, a slow item).
    if (this.mode === 'lines') {
      this.heartbeat = setInterval(() => Date.now() - this.lastLine >= HEARTBEAT_MS && this.line(), 1000);
      this.heartbeat.unref();
    }
  }

  update(done: number, extra = ''): void {
    if (this.mode === 'off') return;
    const now = Date.now();
    this.first ??= { done, at: now };
    this.last = { done, extra };
    if (this.mode === 'lines') {
      if (now - this.lastLine >= LINE_INTERVAL_MS) this.line();
      return;
    }
    if (now - this.lastDraw < 100 && done < this.total) return;
    this.lastDraw = now;
    const frac = fraction(done, this.total);
    const width = 30;
    const filled = Math.round(frac * width);
    const { rate, left } = this.pace(now);
    const rateText = rate > 0 ? ` ${formatRate(rate)}/s` : '';
    const leftText = left === undefined ? '' : ` ${formatDuration(left)} left`;
    process.stderr.write(`\r${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(frac * 100).toFixed(0)}% ${done}/${this.total} ${this.unit}${rateText}${leftText} ${extra}\x1b[K`);
    barShown = true;
  }

  done(): void {
    clearInterval(this.heartbeat);
    if (this.mode === 'bar' && barShown) process.stderr.write('\n');
    barShown = false;
  }

  private line(): void {
    const now = Date.now();
    this.lastLine = now;
    const { done, extra } = this.last;
    process.stderr.write(`${progressLine(this.label, done, this.total, this.unit, (now - this.start) / 1000, this.pace(now), this.initial)}${extra ? `; ${extra}` : ''}\n`);
  }

  /** Items a second since the first update, and the seconds left at that rate (undefined until there is one). */
  private pace(now: number): Pace {
    const f = this.first;
    const rate = f && now > f.at ? Math.max(0, this.last.done - f.done) / ((now - f.at) / 1000) : 0;
    return { rate, left: rate > 0 ? Math.max(0, this.total - this.last.done) / rate : undefined };
  }
}

/** Clears a bar drawn on stderr, so that a log line can take its place (the next update redraws it). */
export function clearProgressBar(): void {
  if (!barShown) return;
  process.stderr.write('\r\x1b[K');
  barShown = false;
}

const fraction = (done: number, total: number) => (total > 0 ? Math.min(1, Math.max(0, done / total)) : 1);

interface Pace {
  /** Items a second. */
  rate: number;
  /** Seconds left; undefined while the rate is unknown. */
  left?: number;
}

/** "raytrace: 25 % (113562 of 454248 links) in 12 s, 9466 links/s, about 36 s left" */
export function progressLine(label: string, done: number, total: number, unit: string, seconds: number, pace: Pace, initial = 0): string {
  const pct = (100 * fraction(done, total)).toFixed(0);
  const resumed = initial > 0 ? `, ${initial} before this run` : '';
  const speed = pace.rate > 0 ? `, ${formatRate(pace.rate)} ${unit}/s` : '';
  const eta = pace.left === undefined ? '' : `, about ${formatDuration(pace.left)} left`;
  return `${label}: ${pct} % (${done} of ${total} ${unit}${resumed}) in ${formatDuration(seconds)}${speed}${eta}`;
}

export function formatRate(r: number): string {
  return r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r.toPrecision(2);
}

/** "8 s", "7 min 05 s", "2 h 03 min". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}
