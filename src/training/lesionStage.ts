/**
 * The lesion detector's stage of the retrieval pipeline: candidates of the training and validation studies
 * with their classes (`lesionExamples.ts`), then the classifier (`trainLesionClassifier.ts`). It reads the
 * images only, not the other stages' models, so it can also be added to a finished run (`tuwen train
 * --stage lesions`). On the corpus it reads each study's voxel labels; on a manifest, its findings' boxes.
 */
import { Random } from '../corpus/random.ts';
import { studyGrid, studyModality } from '../corpus/study.ts';
import { itemVolume, manifestSplit } from '../eval/testSet.ts';
import { DEFAULT_LESION_CLASSIFIER, type LesionClassifierConfig } from '../inference/models/lesionClassifier.ts';
import { disposeWeights, type Weights } from '../inference/models/weights.ts';
import type { ModelConfig } from '../inference/summarizer.ts';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.ts';
import { joinExamples, studyLesionExamples, type LesionExamples } from './lesionExamples.ts';
import type { PipelineOptions } from './pipeline.ts';
import { mapSplit } from './studies.ts';
import { trainLesionClassifier } from './trainLesionClassifier.ts';

/** Studies read per split at most: 800 training studies give ~200,000 candidates, ~4,000 on findings (~5 minutes). */
export const LESION_STUDIES = { train: 800, val: 100 } as const;
const CHECKPOINT = 'lesion-classifier.best';

type StageOptions = Pick<PipelineOptions, 'seed' | 'initSeed' | 'data' | 'out' | 'image' | 'evalEvery' | 'progress' | 'log' | 'resume'> & { lesionSteps: number };

/** One split's candidates with their classes, from the first `LESION_STUDIES[split]` studies of it. */
async function splitExamples(o: StageOptions, split: 'train' | 'val', rand: Random): Promise<LesionExamples> {
  const limit = LESION_STUDIES[split];
  const tick = o.progress(`lesion candidates (${split})`, limit);
  const data = o.data;
  let done = 0;
  const counted = (e: LesionExamples) => {
    tick(++done);
    return e;
  };
  if (data.kind === 'corpus') {
    return joinExamples(mapSplit(o.seed, data.n, split, data.size, (s) => counted(studyLesionExamples(studyModality(s), studyGrid(s), o.image.grid, s.findings, rand, s.labels)), undefined, limit));
  }
  const items = (await manifestSplit(data.path, split)).filter((item) => item.findings?.some((f) => f.boxes.length));
  const parts: LesionExamples[] = [];
  for (const item of items.slice(0, limit)) {
    const { modality, grid } = await itemVolume(item);
    parts.push(counted(studyLesionExamples(modality, grid, o.image.grid, item.findings!, rand)));
  }
  return joinExamples(parts);
}

/** The trained classifier's weights: the run's saved one when it has finished before, else trained now and saved; seeded by the run's initialisation seed. */
export async function lesionStage(o: StageOptions): Promise<{ weights: Weights; config: LesionClassifierConfig }> {
  const seed = o.initSeed ?? o.seed;
  const config = DEFAULT_LESION_CLASSIFIER;
  const saved = o.resume ? await loadCheckpoint<{ step: number }>(o.out, CHECKPOINT) : undefined;
  if (saved) {
    o.log(`lesion classifier: the saved best checkpoint (step ${saved.state.step})`);
    return { weights: saved.weights, config };
  }
  const rand = new Random(seed);
  const train = await splitExamples(o, 'train', rand);
  const val = await splitExamples(o, 'val', rand);
  const on = (e: LesionExamples) => e.classes.filter((c) => c > 0).length;
  o.log(`lesion classifier: ${train.classes.length} training candidates (${on(train)} on findings), ${val.classes.length} validation candidates (${on(val)})`);
  const tick = o.progress('lesion classifier', o.lesionSteps);
  const trained = trainLesionClassifier(train, val, {
    config, steps: o.lesionSteps, batch: 256, learningRate: 0.001, evalEvery: o.evalEvery * 5, seed,
    onStep: (s, l) => tick(s, `loss ${l.toFixed(4)}`),
    onValidation: (s, l) => o.log(`lesion classifier step ${s}: validation loss ${l.toFixed(4)}`),
  });
  o.log(`lesion classifier: best validation loss ${trained.loss.toFixed(4)} at step ${trained.step}`);
  await saveCheckpoint(o.out, CHECKPOINT, trained.weights, { step: trained.step, loss: trained.loss });
  return { weights: trained.weights, config };
}

/**
 * A finished run with the lesion detector added: its classifier trained (or, resumed, read back), its
 * weights joined to the run's model and its configuration to config.json, ready for `tuwen export`.
 */
export async function addLesionClassifier(o: StageOptions): Promise<ModelConfig> {
  const model = await loadCheckpoint<{ config: ModelConfig }>(o.out, 'model');
  if (!model) throw new Error(`${o.out}: no trained model to add the lesion detector to (train it with --stage all first)`);
  const { weights, config: lesions } = await lesionStage(o);
  const old = Object.keys(weights).filter((k) => model.weights[k]);
  disposeWeights(Object.fromEntries(old.map((k) => [k, model.weights[k]!])));
  const config: ModelConfig = { ...model.state.config, lesions };
  await saveCheckpoint(o.out, 'model', { ...model.weights, ...weights }, { config });
  await writeFile(join(o.out, 'config.json'), JSON.stringify(config, null, 1) + '\n');
  return config;
}
