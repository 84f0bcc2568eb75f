/**
 * Named weight maps: every model is plain tfjs ops over a Record of variables whose keys name the layer
 * ("img.conv1.kernel"), so weights save, load and quantise by name. Initialisation is seeded.
 */
import * as tf from '@tensorflow/tfjs';
import { Random } from '../../corpus/random.ts';

export type Weights = Record<string, tf.Variable>;

/** Glorot-uniform values for a kernel with the given fan-in and fan-out, from a seeded stream. */
function glorot(rand: Random, shape: number[], fanIn: number, fanOut: number): Float32Array {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const size = shape.reduce((a, b) => a * b, 1);
  return Float32Array.from({ length: size }, () => rand.uniform(-limit, limit));
}

/** Builds weights with a fixed order of draws: same seed, same model. */
export class WeightBuilder {
  readonly weights: Weights = {};
  private readonly rand: Random;

  constructor(seed: number) {
    this.rand = new Random(seed);
  }

  /** A kernel whose last axis is the output and whose other axes multiply to the fan-in. */
  kernel(name: string, shape: number[]): tf.Variable {
    const fanOut = shape[shape.length - 1]!;
    const fanIn = shape.slice(0, -1).reduce((a, b) => a * b, 1);
    return this.add(name, tf.tensor(glorot(this.rand, shape, fanIn, fanOut), shape));
  }

  zeros(name: string, shape: number[]): tf.Variable {
    return this.add(name, tf.zeros(shape));
  }

  ones(name: string, shape: number[]): tf.Variable {
    return this.add(name, tf.ones(shape));
  }

  /** A weight of a given value (the builder takes it over and disposes it). */
  add(name: string, value: tf.Tensor): tf.Variable {
    if (this.weights[name]) throw new Error(`weight ${name} defined twice`);
    // tfjs variable names are global to the engine; the map key is the name, so two models can coexist.
    const v = tf.variable(value, true);
    value.dispose();
    this.weights[name] = v;
    return v;
  }
}

export function countParams(weights: Weights): number {
  return Object.values(weights).reduce((n, w) => n + w.size, 0);
}

export function disposeWeights(weights: Weights): void {
  for (const w of Object.values(weights)) w.dispose();
}
