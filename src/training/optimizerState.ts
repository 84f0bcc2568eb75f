/**
 * Adam's state in a checkpoint, so that a resumed stage continues exactly where it stopped: the update
 * count and both moment estimates of every weight, stored under the weight's own name ("dec.embed/m").
 *
 * tfjs keeps the moments in a list by position, in the order of its gradient map's keys (the engine's
 * variable names), and those names change from run to run; so the moments are saved by weight name and
 * put back in the order the new variables will take.
 */
import * as tf from '@tensorflow/tfjs';
import type { Weights } from '../inference/models/weights.ts';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.ts';

export async function saveOptimizerState(dir: string, name: string, optimizer: tf.AdamOptimizer, w: Weights): Promise<void> {
  const [iterations, ...moments] = await optimizer.getWeights();
  const keyOf = new Map(Object.entries(w).map(([key, v]) => [v.name, key]));
  const byKey: Weights = {};
  for (const m of moments) {
    const slash = m.name.lastIndexOf('/');
    const key = keyOf.get(m.name.slice(0, slash));
    if (key === undefined) throw new Error(`optimizer state for a variable outside the model: ${m.name}`);
    byKey[`${key}${m.name.slice(slash)}`] = m.tensor as tf.Variable;
  }
  await saveCheckpoint(dir, name, byKey, { iterations: (await iterations!.tensor.data())[0] });
}

/** Puts saved moments back into a fresh optimizer for the weights `w`; false if there is no saved state. */
export async function loadOptimizerState(dir: string, name: string, optimizer: tf.AdamOptimizer, w: Weights): Promise<boolean> {
  const saved = await loadCheckpoint<{ iterations: number }>(dir, name);
  if (!saved) return false;
  const keys = [...new Set(Object.keys(saved.weights).map((k) => k.slice(0, k.lastIndexOf('/'))))];
  const missing = keys.find((k) => !w[k]);
  if (missing) throw new Error(`${dir}/${name}: optimizer state for "${missing}", which the model does not have`);
  // The order tfjs will use: its gradient map's keys are the variables' names, in JavaScript's key order.
  const order = Object.values(Object.fromEntries(keys.map((k) => [w[k]!.name, k])));
  const moment = (suffix: string) => order.map((k) => ({ name: `${w[k]!.name}/${suffix}`, tensor: saved.weights[`${k}/${suffix}`]! }));
  const iterations = tf.scalar(saved.state.iterations, 'int32');
  await optimizer.setWeights([{ name: 'iter', tensor: iterations }, ...moment('m'), ...moment('v')]);
  tf.dispose([iterations, ...Object.values(saved.weights)]);
  return true;
}
