/** Several decoders as one: the mean distribution, each member on its own state, the weight map split by name. */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { decode, type StepState, type Stepper } from '../../src/inference/decode.ts';
import { ensembleStepper } from '../../src/inference/ensembleStepper.ts';
import { decoderMembers, withDecoderMember } from '../../src/inference/models/decoderEnsemble.ts';
import type { Weights } from '../../src/inference/models/weights.ts';

beforeAll(async () => {
  expect(await tf.setBackend('wasm')).toBe(true);
});

/** A stepper over 3 tokens (0 = BOS, 1 = EOS, 2) that always gives the same distribution and β, and counts its steps in its state. */
function fixed(probs: number[], beta: number, seen: number[][]): Stepper<StepState> {
  return {
    initial: () => ({ steps: tf.scalar(0) }),
    step(prev, state) {
      seen.push([prev.dataSync()[0]!, state.steps!.dataSync()[0]!]);
      return {
        probs: tf.tensor2d([probs]),
        visualAttention: tf.tensor2d([[beta, 1 - beta]]),
        textAttention: tf.tensor2d([[1]]),
        beta: tf.tensor1d([beta]),
        state: { steps: tf.add(state.steps!, 1) },
      };
    },
  };
}

describe('ensembleStepper', () => {
  it('averages the members’ distributions, β and attention, each member stepping on its own state', async () => {
    const seenA: number[][] = [];
    const seenB: number[][] = [];
    // A alone would end (EOS 0.6); the mean gives token 2 (0.3 + 0.8) / 2 = 0.55 over EOS (0.6 + 0.1) / 2 = 0.35.
    const ensemble = ensembleStepper([fixed([0.1, 0.6, 0.3], 0.2, seenA), fixed([0.1, 0.1, 0.8], 0.6, seenB)]);
    const before = tf.memory().numTensors;
    const tokens = await decode(ensemble, { bos: 0, eos: 1, maxLength: 2, beamSize: 1, lengthPenalty: 0 });
    expect(tokens.map((t) => t.id)).toEqual([2, 2]);
    expect(tokens[0]!.logProb).toBeCloseTo(Math.log(0.55), 5);
    expect(tokens[0]!.beta).toBeCloseTo(0.4, 6);
    expect(Array.from(tokens[0]!.visualAttention)).toEqual([expect.closeTo(0.4, 6), expect.closeTo(0.6, 6)]);
    // Each member saw BOS then token 2, at its own step count 0 then 1.
    expect(seenA).toEqual([[0, 0], [2, 1]]);
    expect(seenB).toEqual([[0, 0], [2, 1]]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('is the member itself when there is one', () => {
    const only = fixed([0.5, 0.5, 0], 0.5, []);
    expect(ensembleStepper([only])).toBe(only);
    expect(() => ensembleStepper([])).toThrow(/at least one/);
  });
});

describe('decoderMembers / withDecoderMember', () => {
  const v = (x: number) => tf.variable(tf.scalar(x));
  it('stores a further decoder as ensemble<i>/dec.… and gives each member the shared weights with its own decoder', () => {
    const base: Weights = { 'img.k': v(1), 'dec.w': v(2) };
    const other: Weights = { 'img.k': v(9), 'dec.w': v(3) };
    const merged = withDecoderMember(withDecoderMember(base, other, 1), { 'dec.w': v(4) }, 2);
    expect(Object.keys(merged).sort()).toEqual(['dec.w', 'ensemble1/dec.w', 'ensemble2/dec.w', 'img.k']);
    const members = decoderMembers(merged);
    expect(members.map((m) => Object.keys(m).sort())).toEqual([['dec.w', 'img.k'], ['dec.w', 'img.k'], ['dec.w', 'img.k']]);
    expect(members.map((m) => m['dec.w']!.dataSync()[0])).toEqual([2, 3, 4]);
    // The other model's encoder is not taken: members share the first model's.
    expect(members.map((m) => m['img.k']!.dataSync()[0])).toEqual([1, 1, 1]);
    expect(decoderMembers(base)).toEqual([base]);
    expect(() => withDecoderMember(base, { 'img.k': v(1) }, 1)).toThrow(/no decoder weights/);
  });
});
