/** `tuwen train-generative --stage mle|adversarial …`: LFMGAN's generator on top of a trained retrieval model. */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { parseArgs } from 'node:util';
import { installFastMatMulGradient } from '../inference/tf/fastGradients.ts';
import { trainGenerative } from '../training/generativePipeline.ts';
import { UsageError } from './corpus.ts';
import { trainingLog } from './progress.ts';

export async function trainGenerativeCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      stage: { type: 'string' },
      from: { type: 'string' },
      init: { type: 'string' },
      out: { type: 'string' },
      cache: { type: 'string', default: 'models/study-cache' },
      seed: { type: 'string', default: '1' },
      n: { type: 'string', default: '2000' },
      size: { type: 'string', default: '256' },
      steps: { type: 'string', default: '1500' },
      batch: { type: 'string', default: '16' },
      lr: { type: 'string', default: '0.001' },
      'eval-every': { type: 'string', default: '100' },
      s: { type: 'string', default: '0.5' },
      samples: { type: 'string', default: '4' },
      'mle-weight': { type: 'string', default: '0.5' },
      'policy-weight': { type: 'string', default: '1' },
      'discriminator-warmup': { type: 'string', default: '50' },
    },
  });
  if (values.stage !== 'mle' && values.stage !== 'adversarial') throw new UsageError('--stage must be mle or adversarial');
  if (!values.from || !values.out) throw new UsageError('--from RETRIEVAL_MODEL_DIR and --out DIR are required');
  if (values.stage === 'adversarial' && !values.init) throw new UsageError('the adversarial stage needs --init MLE_MODEL_DIR');
  const num = (name: keyof typeof values, min = Number.MIN_VALUE) => {
    const v = Number(values[name]);
    if (!Number.isFinite(v) || v < min) throw new UsageError(`--${name} must be a number ≥ ${min === Number.MIN_VALUE ? '> 0' : min}`);
    return v;
  };
  const s = num('s', 0);
  if (s > 1) throw new UsageError('--s must lie in [0, 1]');
  if (!(await tf.setBackend('wasm')) || tf.getBackend() !== 'wasm') throw new Error('the wasm backend did not start; training on cpu would take hours');
  installFastMatMulGradient();
  const { log, progress, flush } = await trainingLog(values.out);
  const started = performance.now();
  const config = await trainGenerative({
    from: values.from, out: values.out, cache: values.cache!, stage: values.stage, ...(values.init ? { init: values.init } : {}),
    data: { seed: num('seed'), n: num('n'), size: num('size') },
    steps: num('steps'), batch: num('batch'), learningRate: num('lr'), evalEvery: num('eval-every'),
    s, samples: num('samples', 2), mleWeight: num('mle-weight', 0), policyWeight: num('policy-weight', 0), discriminatorWarmup: num('discriminator-warmup', 0),
    progress, log,
  });
  log(`trained ${config.name} (${values.stage}) in ${((performance.now() - started) / 60000).toFixed(1)} min`);
  await flush();
  return 0;
}
