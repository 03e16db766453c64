/**
 * Progress on stderr: a bar redrawn in place with the ETA on a terminal, plain lines (at most one
 * every few seconds, plus one per finished table) when the output is a file or a pipe.
 */

export interface ProgressSink {
  write(text: string): unknown;
  isTTY?: boolean;
}

const BAR_WIDTH = 28;
const PLAIN_INTERVAL_MS = 5000;

export class ProgressBar {
  private readonly started: number;
  private lastPlain = 0;
  private drawn = false;

  /** total: the summed weight of all the work; done weight is reported as it grows. */
  constructor(
    private readonly total: number,
    private readonly sink: ProgressSink = process.stderr,
    private readonly now: () => number = Date.now,
  ) {
    this.started = now();
  }

  /** `done` of the total weight is finished; `label` says what runs now. */
  update(done: number, label: string): void {
    const fraction = this.total > 0 ? Math.min(1, done / this.total) : 1;
    const line = `${(fraction * 100).toFixed(0).padStart(3)}% ${label} | ${this.times(fraction)}`;
    if (this.sink.isTTY) {
      const filled = Math.round(fraction * BAR_WIDTH);
      this.sink.write(`\r\x1b[2K[${"#".repeat(filled)}${"-".repeat(BAR_WIDTH - filled)}] ${line}`);
      this.drawn = true;
    } else if (this.now() - this.lastPlain >= PLAIN_INTERVAL_MS) {
      this.lastPlain = this.now();
      this.sink.write(`${line}\n`);
    }
  }

  /** A line that stays (a finished table, a warning), printed above the bar. */
  log(message: string): void {
    this.sink.write(`${this.drawn ? "\r\x1b[2K" : ""}${message}\n`);
    this.drawn = false;
  }

  finish(): void {
    if (this.drawn) this.sink.write("\n");
    this.drawn = false;
  }

  private times(fraction: number): string {
    const elapsed = (this.now() - this.started) / 1000;
    const eta = fraction > 0.002 ? (elapsed * (1 - fraction)) / fraction : undefined;
    return `elapsed ${clock(elapsed)}, ETA ${eta === undefined ? "?" : clock(eta)}`;
  }
}

export function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}
