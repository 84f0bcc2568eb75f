/** Balanced brackets while decoding (bracketConstraint.ts, decode's `constrain`), against hand-made grammars and a scripted model. */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { allowedAfter, bracketGrammar } from '../../src/inference/bracketConstraint.ts';
import { decode, keepAllowed } from '../../src/inference/decode.ts';
import { scriptedModel } from '../helpers/scriptedModel.ts';

// A character tokenizer: 2 BOS, 3 EOS, 4 （, 5 ）, 6 约, 7 8, 8 建, 9 。
const CHARS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '（', '）', '约', '8', '建', '。'];
const encode = (text: string) => [...text].map((c) => Math.max(1, CHARS.indexOf(c)));

describe('bracketGrammar', () => {
  it('collects the tokens seen between brackets in the texts', () => {
    const g = bracketGrammar(encode, ['建（约8）。', '（8）建。'].map(encode))!;
    expect([g.open, g.close]).toEqual([4, 5]);
    expect([...g.inside].sort()).toEqual([6, 7]);
    // Only what a closed bracket holds: not the advice after a bracket opened again, nor after one never closed.
    expect([...bracketGrammar(encode, ['（建（约8）', '（8）（建'].map(encode))!.inside].sort()).toEqual([6, 7]);
  });
  it('is undefined when the vocabulary has no full-width brackets', () => {
    expect(bracketGrammar((text) => [...text].map(() => 1), [[1, 1, 1, 1]])).toBeUndefined();
  });
});

describe('allowedAfter', () => {
  const g = bracketGrammar(encode, ['建（约8）。'].map(encode))!;
  const allowed = (prefix: number[]) => CHARS.map((_, id) => id).filter(allowedAfter(g, prefix));
  it('outside a bracket: everything but a closing bracket', () => {
    expect(allowed([])).toEqual([0, 1, 2, 3, 4, 6, 7, 8, 9]);
    expect(allowed([8, 4, 6, 5])).toEqual([0, 1, 2, 3, 4, 6, 7, 8, 9]);
  });
  it('inside one: the closing bracket and what the references put inside, so no advice, full stop or end', () => {
    expect(allowed([8, 4])).toEqual([5, 6, 7]);
    expect(allowed([8, 4, 6, 5, 4, 7])).toEqual([5, 6, 7]);
  });
});

const scripted = (next: Record<number, Record<number, number>>) => scriptedModel(CHARS.length, next);

describe('decode with allowed tokens', () => {
  // After "（约" the model prefers the advice (0.6) to closing the bracket (0.4); it never closes one later.
  const model = scripted({ 2: { 4: 0.9, 8: 0.1 }, 4: { 6: 1 }, 6: { 8: 0.6, 5: 0.4 }, 5: { 8: 1 }, 8: { 9: 1 }, 9: { 3: 1 } });
  const g = bracketGrammar(encode, ['（约8）建。'].map(encode))!;
  const options = { bos: 2, eos: 3, maxLength: 10, beamSize: 1, lengthPenalty: 0 };
  it('unconstrained, greedy leaves the bracket open; constrained, it closes it and keeps the model\'s probabilities', async () => {
    const before = tf.memory().numTensors;
    expect((await decode(model, options)).map((r) => CHARS[r.id]).join('')).toBe('（约建。');
    for (const beamSize of [1, 2]) {
      const tokens = await decode(model, { ...options, beamSize, constrain: (prefix, probs) => keepAllowed(probs, allowedAfter(g, prefix)) });
      expect(tokens.map((r) => CHARS[r.id]).join('')).toBe('（约）建。');
      expect(tokens.reduce((s, r) => s + r.logProb, 0)).toBeCloseTo(Math.log(0.9) + Math.log(0.4), 5);
    }
    expect(tf.memory().numTensors).toBe(before);
  });
  it('beam search keeps an earlier close that greedy decoding has passed by', async () => {
    // After "（约8" only the advice or a late close are likely; closing right after "约" is the better summary overall.
    const late = scripted({ 2: { 4: 1 }, 4: { 6: 1 }, 6: { 7: 0.55, 5: 0.45 }, 7: { 8: 0.9, 5: 0.1 }, 5: { 8: 1 }, 8: { 9: 1 }, 9: { 3: 1 } });
    const constrain = (prefix: readonly number[], probs: Float32Array) => keepAllowed(probs, allowedAfter(g, prefix));
    const text = async (beamSize: number) => (await decode(late, { ...options, beamSize, constrain })).map((r) => CHARS[r.id]).join('');
    expect(await text(1)).toBe('（约8）建。'); // p = 0.55 × 0.1
    expect(await text(2)).toBe('（约）建。'); // p = 0.45
  });
});

describe('decode progress', () => {
  const model = scripted({ 2: { 4: 1 }, 4: { 6: 1 }, 6: { 5: 1 }, 5: { 9: 1 }, 9: { 3: 1 } });
  it('beam search reports each step done (tokens come at the end); greedy streams tokens instead', async () => {
    const steps: number[] = [];
    const tokens: number[] = [];
    const options = { bos: 2, eos: 3, maxLength: 10, lengthPenalty: 0, onStep: (s: number) => steps.push(s), onToken: (_: unknown, i: number) => tokens.push(i) };
    await decode(model, { ...options, beamSize: 2 });
    // "（约）。" and the end take 5 steps; the other beam goes on (here to the length limit) until it ends too.
    expect(steps).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    expect(tokens).toEqual([0, 1, 2, 3]);
    steps.length = 0;
    await decode(model, { ...options, beamSize: 1 });
    expect(steps).toEqual([]);
  });
});
