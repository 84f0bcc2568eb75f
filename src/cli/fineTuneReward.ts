/** `tuwen finetune-reward --from DIR --out DIR --alpha A …`: paper B's reward fine-tuning of the retrieval decoder. */
import { parseArgs } from 'node:util';
import { fineTuneRetrievalModel } from '../training/rewardPipeline.ts';
import { REWARD_EVALUATORS, type RewardEvaluator } from '../training/rewardFineTune.ts';
import { UsageError } from './corpus.ts';
import { trainingLog } from './progress.ts';
import { numberOption, useWasmForTraining } from './trainingSetup.ts';

export async function fineTuneRewardCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      from: { type: 'string' },
      out: { type: 'string' },
      alpha: { type: 'string', default: '0.5' },
      evaluator: { type: 'string', default: 'cider-d' },
      cache: { type: 'string', default: 'models/study-cache' },
      seed: { type: 'string', default: '1' },
      n: { type: 'string', default: '2000' },
      size: { type: 'string', default: '256' },
      steps: { type: 'string', default: '200' },
      batch: { type: 'string', default: '16' },
      lr: { type: 'string', default: '0.0002' },
      'eval-every': { type: 'string', default: '20' },
      'mle-weight': { type: 'string', default: '0' },
      'discriminator-warmup': { type: 'string', default: '30' },
    },
  });
  if (!values.from || !values.out) throw new UsageError('--from RETRIEVAL_MODEL_DIR and --out DIR are required');
  const num = (name: keyof typeof values, bounds?: { min?: number; max?: number }) => numberOption(values[name] as string | undefined, name, bounds);
  const alpha = num('alpha', { min: 0, max: 1 });
  const evaluator = values.evaluator as RewardEvaluator;
  if (!REWARD_EVALUATORS.includes(evaluator)) throw new UsageError(`--evaluator must be one of ${REWARD_EVALUATORS.join(', ')}`);
  await useWasmForTraining();
  const { log, progress, flush } = await trainingLog(values.out);
  const started = performance.now();
  const config = await fineTuneRetrievalModel({
    from: values.from, out: values.out, cache: values.cache!, alpha, evaluator,
    data: { seed: num('seed'), n: num('n'), size: num('size') },
    steps: num('steps'), batch: num('batch'), learningRate: num('lr'), evalEvery: num('eval-every'),
    mleWeight: num('mle-weight', { min: 0 }), discriminatorWarmup: num('discriminator-warmup', { min: 0 }),
    progress, log,
  });
  log(`fine-tuned ${config.name} (α = ${alpha}, e = ${evaluator}) in ${((performance.now() - started) / 60000).toFixed(1)} min`);
  await flush();
  return 0;
}
