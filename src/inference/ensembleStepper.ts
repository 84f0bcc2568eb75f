/**
 * Several decoders as one stepper: at each step every member reads the same previous token from its own
 * state, and the next-token distribution is the members' mean (an ensemble of decoder seeds, as neural
 * translation averages models). What the page shows per token — β, the attention over regions, context
 * tokens and sentences — is the members' mean too, so it stays a distribution over the same places.
 */
import * as tf from '@tensorflow/tfjs';
import { stepTensors, type StepState, type Stepper } from './decode.ts';

type Out = ReturnType<Stepper<StepState>['step']>;

/** Member i's state lives under keys "i/<name>" of the ensemble's state. */
function memberState(state: StepState, i: number): StepState {
  const prefix = `${i}/`;
  return Object.fromEntries(Object.entries(state).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
}

function mean<T extends tf.Tensor>(parts: T[]): T {
  return tf.tidy(() => tf.div(tf.addN(parts), parts.length)) as T;
}

export function ensembleStepper(members: readonly Stepper<StepState>[]): Stepper<StepState> {
  if (members.length === 0) throw new Error('an ensemble needs at least one decoder');
  if (members.length === 1) return members[0]!;
  const joined = (states: StepState[]) => Object.fromEntries(states.flatMap((s, i) => Object.entries(s).map(([k, v]) => [`${i}/${k}`, v])));
  return {
    initial: () => joined(members.map((m) => m.initial())),
    step(prev, state) {
      const outs: Out[] = members.map((m, i) => m.step(prev, memberState(state, i)));
      const optional = <K extends 'beta' | 'sentenceAttention' | 'readingAttention'>(key: K) => (outs.every((o) => o[key]) ? { [key]: mean(outs.map((o) => o[key]!)) } : {});
      const combined = {
        probs: mean(outs.map((o) => o.probs)),
        visualAttention: mean(outs.map((o) => o.visualAttention)),
        textAttention: mean(outs.map((o) => o.textAttention)),
        ...optional('beta'),
        ...optional('sentenceAttention'),
        ...optional('readingAttention'),
        state: joined(outs.map((o) => o.state)),
      };
      tf.dispose(outs.flatMap(stepTensors));
      return combined;
    },
  };
}
