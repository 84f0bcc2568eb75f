import { describe, expect, it } from 'vitest';
import { ProgressBar } from '../../src/cli/progress.ts';

/** A non-terminal stream that keeps what is written. */
function sink() {
  const lines: string[] = [];
  return { lines, stream: { isTTY: false, write: (s: string) => lines.push(s) } as unknown as NodeJS.WriteStream };
}

describe('progress bar', () => {
  it('a line every 10 %, the last at the total; work past the total shows a full bar and never throws', () => {
    const { lines, stream } = sink();
    const bar = new ProgressBar('steps', 20, stream);
    for (let d = 1; d <= 20; d++) bar.update(d);
    expect(lines.length).toBe(11); // deciles 0.5 → 0 … 10, one line each (the first update is decile 0)
    expect(lines.at(-1)).toContain('[########################] 100% 20/20');
    expect(() => bar.update(25, 'loss 0.1')).not.toThrow();
    expect(lines.at(-1) ?? '').not.toContain('-1');
  });
});
