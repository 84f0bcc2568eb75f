import { describe, expect, it } from 'vitest';
import { ProgressBar } from '../../src/cli/progress.ts';

/** A stream that keeps what is written; a terminal (redrawn in place) or not (a line every 10 %). */
function sink(isTTY: boolean) {
  const lines: string[] = [];
  return { lines, stream: { isTTY, write: (s: string) => lines.push(s) } as unknown as NodeJS.WriteStream };
}

describe('progress bar', () => {
  it('off a terminal: a line per decile, the last at the total', () => {
    const { lines, stream } = sink(false);
    const bar = new ProgressBar('steps', 20, stream);
    for (let d = 1; d <= 20; d++) bar.update(d);
    expect(lines.length).toBe(11); // deciles 0 … 10, one line each
    expect(lines.at(-1)).toContain('[########################] 100% 20/20');
  });

  it('work past the announced total draws a full bar with no time left, and does not throw', () => {
    const { lines, stream } = sink(true);
    const bar = new ProgressBar('steps', 20, stream);
    expect(() => bar.update(25, 'loss 0.1')).not.toThrow();
    expect(lines.at(-1)).toMatch(/\[#{24}\] 100% 25\/20 [\d.]+\/s ETA 0:00 loss 0\.1/);
  });
});
