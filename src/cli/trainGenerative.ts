/** `tuwen train-generative --stage mle|adversarial …`: LFMGAN's generator on top of a trained retrieval model. */
import { parseArgs } from 'node:util';
import { trainGenerative } from '../training/generativePipeline.ts';
import { UsageError } from './corpus.ts';
import { trainingLog } from './progress.ts';
import { numberOption, useWasmForTraining } from './trainingSetup.ts';

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
  const num = (name: keyof typeof values, bounds?: { min?: number; max?: number }) => numberOption(values[name] as string | undefined, name, bounds);
  const s = num('s', { min: 0, max: 1 });
  await useWasmForTraining();
  const { log, progress, flush } = await trainingLog(values.out);
  const started = performance.now();
  const config = await trainGenerative({
    from: values.from, out: values.out, cache: values.cache!, stage: values.stage, ...(values.init ? { init: values.init } : {}),
    data: { seed: num('seed'), n: num('n'), size: num('size') },
    steps: num('steps'), batch: num('batch'), learningRate: num('lr'), evalEvery: num('eval-every'),
    s, samples: num('samples', { min: 2 }), mleWeight: num('mle-weight', { min: 0 }), policyWeight: num('policy-weight', { min: 0 }), discriminatorWarmup: num('discriminator-warmup', { min: 0 }),
    progress, log,
  });
  log(`trained ${config.name} (${values.stage}) in ${((performance.now() - started) / 60000).toFixed(1)} min`);
  await flush();
  return 0;
}
