/** A stop-gradient, which tfjs lacks: the value of x, through which no gradient flows back. */
import * as tf from '@tensorflow/tfjs';

export function stopGradient<T extends tf.Tensor>(x: T): T {
  const stopped = tf.customGrad((input) => ({ value: tf.clone(input as tf.Tensor), gradFunc: (dy) => tf.zerosLike(dy as tf.Tensor) }));
  return stopped(x) as T;
}
