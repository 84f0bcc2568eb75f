import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/corpus.ts';
import { dilationsOption } from '../../src/cli/train.ts';
import { numberOption } from '../../src/cli/trainingSetup.ts';

describe('training options', () => {
  it('reads numbers, and refuses what is not one or out of bounds', () => {
    expect(numberOption('0.5', 'lr')).toBe(0.5);
    expect(numberOption('0', 'alpha', { min: 0, max: 1 })).toBe(0);
    expect(() => numberOption('0', 'steps')).toThrow(UsageError);
    expect(() => numberOption('abc', 'steps')).toThrow('--steps must be a positive number');
    expect(() => numberOption('1.5', 'alpha', { min: 0, max: 1 })).toThrow('--alpha must be a number in [0, 1]');
  });

  it('reads the context dilations as whole numbers ≥ 1', () => {
    expect(dilationsOption('1,2,4,8,16,32')).toEqual([1, 2, 4, 8, 16, 32]);
    expect(dilationsOption('3')).toEqual([3]);
    for (const bad of ['1,,2', '0,1', '1.5', 'a', '']) expect(() => dilationsOption(bad)).toThrow(UsageError);
  });
});
