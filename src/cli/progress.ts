/** A progress bar on stderr: done/total, rate, ETA; redrawn in place on a terminal, a line every 10 % otherwise. */
import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';

function clock(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h ? `${h}:` : ''}${String(m).padStart(h ? 2 : 1, '0')}:${String(s % 60).padStart(2, '0')}`;
}

export class ProgressBar {
  private readonly start = performance.now();
  private lastDecile = -1;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  /** Call after each unit of work; `extra` is appended (a loss, say). */
  update(done: number, extra = ''): void {
    const elapsed = (performance.now() - this.start) / 1000;
    const rate = done / Math.max(elapsed, 1e-9);
    const eta = Math.max(this.total - done, 0) / rate;
    // Work past the announced total (a caller's estimate) shows a full bar rather than breaking the run.
    const fraction = this.total ? Math.min(done / this.total, 1) : 1;
    const width = 24;
    const filled = Math.round(fraction * width);
    const line = `${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% ${done}/${this.total} ${rate.toFixed(1)}/s ETA ${clock(eta)}${extra ? ` ${extra}` : ''}`;
    if (this.stream.isTTY) {
      this.stream.write(`\r${line}\x1b[K${done === this.total ? '\n' : ''}`);
    } else {
      const decile = Math.floor(fraction * 10);
      if (decile !== this.lastDecile || done === this.total) {
        this.lastDecile = decile;
        this.stream.write(`${line}\n`);
      }
    }
  }
}

/** A training run's log (stderr and DIR/train.log, timestamped) and progress bars; `flush` waits for the writes. */
export async function trainingLog(dir: string): Promise<{ log: (line: string) => void; progress: (label: string, total: number) => (done: number, extra?: string) => void; flush: () => Promise<void> }> {
  await mkdir(dir, { recursive: true });
  const pending: Promise<void>[] = [];
  return {
    log: (line) => {
      process.stderr.write(`\n${line}\n`);
      pending.push(appendFile(join(dir, 'train.log'), `${new Date().toISOString()} ${line}\n`));
    },
    progress: (label, total) => {
      const bar = new ProgressBar(label, total);
      return (done, extra) => bar.update(done, extra);
    },
    flush: async () => {
      await Promise.all(pending);
    },
  };
}
