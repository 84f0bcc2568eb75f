/**
 * Whole sequences from any batched stepper (the generator's or the fusion decoder's), for the adversarial
 * and reward stages: ancestral sampling with a seeded stream, or greedy (the self-critical baseline).
 */
import * as tf from '@tensorflow/tfjs';
import type { Random } from '../corpus/random.ts';
import { stepTensors, type StepState, type Stepper } from '../inference/decode.ts';
import { BOS_ID, EOS_ID } from '../text/tokenizer.ts';

/** One sequence per row of the stepper's batch; ids without BOS, EOS dropped. */
export async function sampleSequences<S extends StepState>(stepper: Stepper<S>, rows: number, pick: Random | 'greedy', maxLength: number): Promise<number[][]> {
  const out: number[][] = Array.from({ length: rows }, () => []);
  const done = new Array<boolean>(rows).fill(false);
  let state = stepper.initial();
  let prev = Array<number>(rows).fill(BOS_ID);
  for (let t = 0; t < maxLength && done.some((d) => !d); t++) {
    const input = tf.tensor1d(prev, 'int32');
    const step = stepper.step(input, state);
    const probs = (await step.probs.data()) as Float32Array;
    const vocab = probs.length / rows;
    tf.dispose([input, ...stepTensors(step), ...Object.values(state)]);
    state = step.state;
    prev = prev.map((_, r) => (pick === 'greedy' ? argmaxRow(probs, r, vocab) : sampleRow(probs, r, vocab, pick)));
    prev.forEach((id, r) => {
      if (done[r]) return;
      if (id === EOS_ID) done[r] = true;
      else out[r]!.push(id);
    });
  }
  tf.dispose(Object.values(state));
  return out;
}

/** Inverse-CDF draw from row `row` of a [rows, vocab] distribution. */
function sampleRow(probs: ArrayLike<number>, row: number, vocab: number, rand: Random): number {
  let u = rand.next();
  for (let v = 0; v < vocab; v++) {
    u -= probs[row * vocab + v]!;
    if (u <= 0) return v;
  }
  return vocab - 1;
}

function argmaxRow(probs: ArrayLike<number>, row: number, vocab: number): number {
  let best = 0;
  for (let v = 1; v < vocab; v++) if (probs[row * vocab + v]! > probs[row * vocab + best]!) best = v;
  return best;
}
