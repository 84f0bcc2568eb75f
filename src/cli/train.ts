/** `tuwen train --stage image|all|lesions …`: the retrieval model's training: stage 1 alone, every stage, or the lesion detector added to a finished run. */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { parseArgs } from 'node:util';
import { FINDING_TYPES, LOBES, type FindingType } from '../corpus/schema.ts';
import { DEFAULT_IMAGE_ENCODER, withDeepStem, withDotFilter, withThresholds, type ImageEncoderConfig } from '../inference/models/imageEncoder.ts';
import { disposeWeights } from '../inference/models/weights.ts';
import { exportModel } from '../training/exportModel.ts';
import { joinDecoders } from '../training/joinDecoders.ts';
import { addLesionClassifier } from '../training/lesionStage.ts';
import { ABLATIONS, trainPipeline, type Ablation, type PipelineOptions } from '../training/pipeline.ts';
import { pretrainImageEncoder } from '../training/pretrainImage.ts';
import { renderSplit } from '../training/renderStudies.ts';
import { UsageError } from './corpus.ts';
import { mmrFlag } from './decodingOptions.ts';
import { ProgressBar, trainingLog } from './progress.ts';
import { configFileArgs, numberOption, useWasmForTraining } from './trainingSetup.ts';

/** `tuwen train`'s options; `--config FILE` may give any of the others. */
export const TRAIN_OPTIONS = {
  config: { type: 'string' },
  stage: { type: 'string' },
  seed: { type: 'string', default: '1' },
  'init-seed': { type: 'string' },
  'image-seed': { type: 'string' },
  'decoder-seed': { type: 'string' },
  n: { type: 'string', default: '1000' },
  size: { type: 'string', default: '256' },
  steps: { type: 'string', default: '600' },
  'retriever-steps': { type: 'string', default: '400' },
  'decoder-steps': { type: 'string', default: '800' },
  'int8-aware-steps': { type: 'string' },
  passages: { type: 'string' },
  'decoder-hidden': { type: 'string' },
  'coverage-weight': { type: 'string' },
  'copy-weight': { type: 'string' },
  'attention-weight': { type: 'string' },
  'region-dropout': { type: 'string' },
  'weight-average': { type: 'string' },
  'context-dilations': { type: 'string' },
  'region-mixing': { type: 'string' },
  'lobe-head': { type: 'boolean', default: false },
  'dot-filter': { type: 'boolean', default: false },
  'deep-stem': { type: 'boolean', default: false },
  'region-max': { type: 'boolean', default: false },
  thresholds: { type: 'boolean', default: false },
  'log-features': { type: 'boolean', default: false },
  'head-features': { type: 'boolean', default: false },
  'filter-features': { type: 'boolean', default: false },
  'retriever-without-filters': { type: 'boolean', default: false },
  'filters-in-keys-only': { type: 'boolean', default: false },
  'detached-visual-query': { type: 'boolean', default: false },
  'temporal-attention': { type: 'boolean', default: false },
  'own-text-findings': { type: 'boolean', default: false },
  'omitted-lobe-copies': { type: 'boolean', default: false },
  'omitted-finding-copies': { type: 'boolean', default: false },
  'omitted-finding-types': { type: 'string' },
  'aligned-copies': { type: 'boolean', default: false },
  'sentence-attention': { type: 'boolean', default: false },
  'sentence-weight': { type: 'string' },
  'guided-vision': { type: 'boolean', default: false },
  'visual-output': { type: 'boolean', default: false },
  'remaining-sentences': { type: 'boolean', default: false },
  'sentence-product': { type: 'boolean', default: false },
  'passage-uncopied': { type: 'boolean', default: false },
  'region-lobes': { type: 'boolean', default: false },
  'pointing-attention': { type: 'boolean', default: false },
  'reading-attention-weight': { type: 'string' },
  'pointing-head-steps': { type: 'string' },
  'lesion-steps': { type: 'string' },
  'pointing-head-hidden': { type: 'string' },
  'ties-in-text-order': { type: 'boolean', default: false },
  'reworded-items': { type: 'boolean', default: false },
  mmr: { type: 'string' },
  'remaining-read-at': { type: 'string' },
  'localisation-weight': { type: 'string' },
  mirror: { type: 'boolean', default: false },
  'max-summary': { type: 'string' },
  batch: { type: 'string', default: '8' },
  lr: { type: 'string', default: '0.002' },
  'image-lr-floor': { type: 'string' },
  'eval-every': { type: 'string', default: '50' },
  patience: { type: 'string', default: '4' },
  'decoder-patience': { type: 'string' },
  'positive-weight': { type: 'string', default: '40' },
  out: { type: 'string' },
  resume: { type: 'boolean', default: false },
  ablation: { type: 'string' },
  manifest: { type: 'string' },
  cache: { type: 'string', default: 'models/study-cache' },
} as const;

/** `tuwen train`'s arguments (and its `--config` file) → what it trains: checked, nothing run yet. */
export async function trainingOptions(args: string[]) {
  const file = parseArgs({ args, options: TRAIN_OPTIONS }).values.config;
  const { values } = parseArgs({ args: [...(file ? await configFileArgs(file, TRAIN_OPTIONS) : []), ...args], options: TRAIN_OPTIONS });
  if (values.stage !== 'image' && values.stage !== 'all' && values.stage !== 'lesions') throw new UsageError('--stage must be image (pretraining only), all, or lesions (the lesion detector, added to a finished run)');
  if (values.manifest && values.stage === 'image') throw new UsageError('--manifest trains every stage (or the lesion detector): use it with --stage all or lesions');
  if (!values.out) throw new UsageError('--out DIR is required');
  if (values.stage === 'lesions' && !values['lesion-steps']) throw new UsageError('--stage lesions needs --lesion-steps N');
  const ablation = values.ablation as Ablation | undefined;
  if (ablation !== undefined && !ABLATIONS.includes(ablation)) throw new UsageError(`--ablation must be one of ${ABLATIONS.join(', ')}`);
  const num = (name: keyof typeof values) => numberOption(values[name] as string | undefined, name);
  const mmr = mmrFlag(values.mmr as string | undefined);
  if (values['region-dropout'] && !(num('region-dropout') >= 0 && num('region-dropout') < 1)) throw new UsageError('--region-dropout must be a rate from 0 up to (not including) 1');
  if (values['weight-average'] && !(num('weight-average') > 0 && num('weight-average') < 1)) throw new UsageError('--weight-average is the moving average\'s decay per step, between 0 and 1 (say 0.995)');
  const floor = values['image-lr-floor'] === undefined ? undefined : num('image-lr-floor');
  if (floor !== undefined && !(floor > 0 && floor <= 1)) throw new UsageError('--image-lr-floor is the image encoder\'s last step size as a share of its first, above 0 and at most 1 (say 0.1)');
  const seed = num('seed');
  const n = num('n');
  const size = num('size');
  const options: ImageEncoderConfig = {
    ...DEFAULT_IMAGE_ENCODER,
    ...(values['lobe-head'] ? { lobes: LOBES.length } : {}),
    ...(values['region-mixing'] ? { regionMixing: num('region-mixing') } : {}),
    ...(values['region-max'] ? { regionMax: true } : {}),
    ...(values['log-features'] ? { logFeatures: true } : {}),
    ...(values['head-features'] ? { headFeatures: true } : {}),
    ...(values['filter-features'] ? { filterFeatures: true } : {}),
  };
  const stem = values['deep-stem'] ? withDeepStem(options) : options;
  const thresholded = values.thresholds ? withThresholds(stem) : stem;
  const encoder = values['dot-filter'] ? withDotFilter(thresholded) : thresholded;
  // The image-pretraining objectives, the same for --stage all and --stage image.
  const pretraining = {
    ...(values['localisation-weight'] ? { localisationWeight: num('localisation-weight') } : {}),
    ...(values.mirror ? { mirror: true } : {}),
  };
  const data = values.manifest ? { kind: 'manifest' as const, path: values.manifest } : { kind: 'corpus' as const, n, size };
  const pipeline: Omit<PipelineOptions, 'progress' | 'log'> = {
    seed, data, out: values.out, cache: values.cache!, image: encoder, ...(ablation ? { ablation } : {}),
    imageSteps: num('steps'), ...(floor === undefined ? {} : { imageLearningRateFloor: floor }), positiveWeight: num('positive-weight'), retrieverSteps: num('retriever-steps'), decoderSteps: num('decoder-steps'), batch: num('batch'), evalEvery: num('eval-every'),
    ...(values.passages ? { passages: num('passages') } : {}),
    ...(values['int8-aware-steps'] ? { int8AwareSteps: num('int8-aware-steps') } : {}),
    ...(values['decoder-hidden'] ? { decoderHidden: num('decoder-hidden') } : {}),
    ...(values['init-seed'] ? { initSeed: num('init-seed') } : {}),
    ...(values['image-seed'] ? { imageSeed: num('image-seed') } : {}),
    ...(values['decoder-seed'] ? { decoderSeed: num('decoder-seed') } : {}),
    ...(values['coverage-weight'] ? { coverageWeight: num('coverage-weight') } : {}),
    ...(values['copy-weight'] ? { copyWeight: num('copy-weight') } : {}),
    ...(values['attention-weight'] ? { attentionWeight: num('attention-weight') } : {}),
    ...(values['region-dropout'] ? { regionDropout: num('region-dropout') } : {}),
    ...(values['weight-average'] ? { decoderAverage: num('weight-average') } : {}),
    ...(values['context-dilations'] ? { contextDilations: dilationsOption(values['context-dilations']) } : {}),
    ...(values['temporal-attention'] ? { temporalAttention: true } : {}),
    ...(values['own-text-findings'] ? { ownTextFindings: true } : {}),
    ...(values['omitted-lobe-copies'] ? { omittedLobeCopies: true } : {}),
    ...(values['omitted-finding-copies'] ? { omittedFindingCopies: true } : {}),
    ...(values['omitted-finding-types'] ? { omittedFindingTypes: findingTypesOption(values['omitted-finding-types']) } : {}),
    ...(values['aligned-copies'] ? { alignedCopies: true } : {}),
    ...(values['sentence-attention'] ? { sentenceAttention: true } : {}),
    ...(values['sentence-weight'] ? { sentenceWeight: num('sentence-weight') } : {}),
    ...(values['guided-vision'] ? { guidedVision: true } : {}),
    ...(values['visual-output'] ? { visualOutput: true } : {}),
    ...(values['remaining-sentences'] ? { remainingSentences: true } : {}),
    ...(values['sentence-product'] ? { sentenceProduct: true } : {}),
    ...(values['passage-uncopied'] ? { passageUncopied: true } : {}),
    ...(values['region-lobes'] ? { regionLobes: true } : {}),
    ...(values['retriever-without-filters'] ? { retrieverWithoutFilters: true } : {}),
    ...(values['filters-in-keys-only'] ? { filtersInKeysOnly: true } : {}),
    ...(values['detached-visual-query'] ? { detachedVisualQuery: true } : {}),
    ...(values['pointing-attention'] ? { pointingAttention: true } : {}),
    ...(values['reading-attention-weight'] ? { readingAttentionWeight: num('reading-attention-weight') } : {}),
    ...(values['pointing-head-steps'] ? { pointingHeadSteps: num('pointing-head-steps') } : {}),
    ...(values['lesion-steps'] ? { lesionSteps: num('lesion-steps') } : {}),
    ...(values['pointing-head-hidden'] ? { pointingHeadHidden: num('pointing-head-hidden') } : {}),
    ...(values['ties-in-text-order'] ? { tiesInTextOrder: true } : {}),
    ...(values['reworded-items'] ? { rewordedItems: true } : {}),
    ...(mmr === undefined ? {} : { mmr }),
    ...(values['remaining-read-at'] !== undefined ? { remainingReadAt: num('remaining-read-at') } : {}),
    ...pretraining,
    ...(values['max-summary'] ? { maxSummary: num('max-summary') } : {}),
    patience: num('patience'),
    ...(values['decoder-patience'] ? { decoderPatience: num('decoder-patience') } : {}),
    resume: values.resume!,
  };
  return { values, num, seed, n, size, encoder, pretraining, pipeline };
}

export async function trainCommand(args: string[]): Promise<number> {
  const { values, num, seed, n, size, encoder, pretraining, pipeline } = await trainingOptions(args);
  await useWasmForTraining();
  const { log, progress, flush } = await trainingLog(pipeline.out);
  const started = performance.now();
  const minutes = () => ((performance.now() - started) / 60000).toFixed(1);
  if (values.stage === 'all') {
    const config = await trainPipeline({ ...pipeline, progress, log });
    log(`trained ${config.name} in ${minutes()} min`);
    await flush();
    return 0;
  }
  if (values.stage === 'lesions') {
    await addLesionClassifier({ ...pipeline, lesionSteps: pipeline.lesionSteps!, progress, log });
    log(`added the lesion detector to ${pipeline.out} in ${minutes()} min`);
    await flush();
    return 0;
  }
  const prep = new ProgressBar('rendering studies', n * 2);
  const train = (await renderSplit({ seed, n, split: 'train', size, image: encoder }, (d) => prep.update(d))).map((s) => s.image);
  const val = (await renderSplit({ seed, n, split: 'val', size, image: encoder }, (d) => prep.update(n + d))).map((s) => s.image);
  const steps = num('steps');
  const bar = new ProgressBar('image encoder', steps);
  const weights = await pretrainImageEncoder(train, val, {
    encoder,
    steps,
    batch: num('batch'),
    learningRate: num('lr'),
    ...(pipeline.imageLearningRateFloor === undefined ? {} : { learningRateFloor: pipeline.imageLearningRateFloor }),
    positiveWeight: num('positive-weight'),
    ...pretraining,
    evalEvery: num('eval-every'),
    patience: num('patience'),
    seed: values['image-seed'] ? num('image-seed') : seed,
    out: pipeline.out,
    resume: values.resume!,
    onStep: (step, loss) => bar.update(step, `loss ${loss.toFixed(4)}`),
    log,
  });
  await flush();
  disposeWeights(weights);
  return 0;
}

/** `--context-dilations 1,2,4,8`: one residual convolution block per dilation, each a whole number ≥ 1. */
export function dilationsOption(value: string): number[] {
  const dilations = value.split(',').map(Number);
  if (dilations.some((d) => !Number.isInteger(d) || d < 1)) throw new UsageError('--context-dilations must be whole numbers ≥ 1 separated by commas, e.g. 1,2,4,8');
  return dilations;
}

/** `--omitted-finding-types pleural-effusion,mass`: finding types of the corpus, separated by commas. */
export function findingTypesOption(value: string): FindingType[] {
  const types = value.split(',');
  const unknown = types.filter((t) => !(FINDING_TYPES as readonly string[]).includes(t));
  if (unknown.length) throw new UsageError(`--omitted-finding-types: unknown finding type ${unknown.join(', ')}; the types are ${FINDING_TYPES.join(', ')}`);
  return types as FindingType[];
}

export async function exportCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { model: { type: 'string' }, out: { type: 'string' } } });
  if (!values.model || !values.out) throw new UsageError('usage: tuwen export --model DIR --out public/models/NAME');
  await tf.setBackend('wasm');
  const files = await exportModel(values.model, values.out);
  for (const f of files) process.stdout.write(`${JSON.stringify(f)}\n`);
  process.stdout.write(`${JSON.stringify({ out: values.out, totalBytes: files.reduce((n, f) => n + f.bytes, 0) })}\n`);
  return 0;
}

export async function ensembleCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { model: { type: 'string' }, add: { type: 'string', multiple: true }, out: { type: 'string' } } });
  if (!values.model || !values.add?.length || !values.out) throw new UsageError('usage: tuwen ensemble --model DIR --add DIR [--add DIR…] --out DIR');
  await tf.setBackend('wasm');
  process.stdout.write(`${JSON.stringify({ out: values.out, ...(await joinDecoders(values.model, values.add, values.out)) })}\n`);
  return 0;
}
