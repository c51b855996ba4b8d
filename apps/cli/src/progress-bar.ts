import type { ReplayProgress } from '@touchpoint/projector';

export interface ProgressSink {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
}

/**
 * A terminal shows one line redrawn in place; a pipe or a log file gets a plain line at most
 * every `plainEveryMs`, so CI logs stay readable.
 */
export class ProgressBar {
  private lastPlain = Number.NEGATIVE_INFINITY;
  private drawn = false;

  constructor(
    private readonly sink: ProgressSink,
    private readonly label: string,
    private readonly plainEveryMs = 5000,
    private readonly clock: () => number = Date.now,
  ) {}

  update(p: ReplayProgress): void {
    if (this.sink.isTTY) {
      const width = Math.max(40, (this.sink.columns ?? 100) - 1);
      const text = formatProgress(this.label, p, 24);
      this.sink.write(`\r${text.slice(0, width).padEnd(width)}`);
      this.drawn = true;
      return;
    }
    const now = this.clock();
    if (now - this.lastPlain < this.plainEveryMs) return;
    this.lastPlain = now;
    this.sink.write(`${formatProgress(this.label, p, 0)}\n`);
  }

  /** Ends the redrawn line so that what follows starts on its own line. */
  finish(): void {
    if (this.drawn) this.sink.write('\n');
    this.drawn = false;
  }
}

export function formatProgress(label: string, p: ReplayProgress, barWidth: number): string {
  const ratio = p.total > 0 ? Math.min(1, p.processed / p.total) : 1;
  const filled = Math.round(ratio * barWidth);
  const bar = barWidth > 0 ? `[${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}] ` : '';
  const n = (x: number) => x.toLocaleString('en-US');
  return (
    `${label} ${bar}${(ratio * 100).toFixed(1)}% ${n(p.processed)}/${n(p.total)} events` +
    ` · ${n(p.eventsPerSecond)} ev/s · lag ${n(p.lag)} · ETA ${eta(p.etaSeconds)}`
  );
}

function eta(seconds: number | null): string {
  if (seconds === null) return '?';
  if (seconds < 60) return `${seconds}s`;
  const m = Math.floor(seconds / 60);
  return m < 60
    ? `${m}m${String(seconds % 60).padStart(2, '0')}s`
    : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
