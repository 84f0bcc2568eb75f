/**
 * The lesion detector's stage of the retrieval pipeline: candidates of the training and validation studies
 * with their classes (`lesionExamples.ts`), then the classifier (`trainLesionClassifier.ts`). It reads the
 * images only, not the other stages' models, so it can also be added to a finished run (`tuwen train
 * --stage lesions`). On the corpus it reads each study's voxel labels; on a manifest, its findings' boxes.
 */
import { Random } from '../corpus/random.ts';
import type { FindingTruth } from '../corpus/schema.ts';
import { studyGrid, studyModality } from '../corpus/study.ts';
import { itemVolume, manifestSplit } from '../eval/testSet.ts';
import { DEFAULT_LESION_CLASSIFIER, type LesionClassifierConfig } from '../inference/models/lesionClassifier.ts';
import type { LungLobeTable } from '../inference/lesions/lungLobes.ts';
import { disposeWeights, type Weights } from '../inference/models/weights.ts';
import type { Grid } from '../inference/preprocess.ts';
import type { ModelConfig } from '../inference/summarizer.ts';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.ts';
import { joinExamples, studyLesionExamples, type LesionExamples } from './lesionExamples.ts';
import type { PipelineOptions } from './pipeline.ts';
import { lungLobeTable, studyLungLobeSamples, type LungLobeSample } from './lungLobeTable.ts';
import { mapSplit } from './studies.ts';
import { trainLesionClassifier } from './trainLesionClassifier.ts';

/** Studies read per split at most: 800 training studies give ~200,000 candidates, ~4,000 on findings (~5 minutes). */
export const LESION_STUDIES = { train: 800, val: 100 } as const;
const CHECKPOINT = 'lesion-classifier.best';

type StageOptions = Pick<PipelineOptions, 'seed' | 'initSeed' | 'data' | 'out' | 'image' | 'evalEvery' | 'progress' | 'log' | 'resume'> & { lesionSteps: number };

/** One split's candidates with their classes, and its box centres' places in their lungs, from the first `LESION_STUDIES[split]` studies of it. */
async function splitExamples(o: StageOptions, split: 'train' | 'val', rand: Random): Promise<{ examples: LesionExamples; lungLobes: LungLobeSample[] }> {
  const limit = LESION_STUDIES[split];
  const tick = o.progress(`lesion candidates (${split})`, limit);
  const data = o.data;
  let done = 0;
  const study = (modality: Float32Array, grid: Grid, findings: readonly FindingTruth[], labels?: Uint8Array) => {
    const examples = studyLesionExamples(modality, grid, o.image.grid, findings, rand, labels);
    const lungLobes = studyLungLobeSamples(modality, grid, o.image.grid, findings);
    tick(++done);
    return { examples, lungLobes };
  };
  const parts: { examples: LesionExamples; lungLobes: LungLobeSample[] }[] = [];
  if (data.kind === 'corpus') parts.push(...mapSplit(o.seed, data.n, split, data.size, (s) => study(studyModality(s), studyGrid(s), s.findings, s.labels), undefined, limit));
  else {
    const items = (await manifestSplit(data.path, split)).filter((item) => item.findings?.some((f) => f.boxes.length));
    for (const item of items.slice(0, limit)) {
      const { modality, grid } = await itemVolume(item);
      parts.push(study(modality, grid, item.findings!));
    }
  }
  return { examples: joinExamples(parts.map((p) => p.examples)), lungLobes: parts.flatMap((p) => p.lungLobes) };
}

/**
 * The trained classifier's weights, and P(lobe | side, position within the lung) counted on its training
 * studies (`lungLobeTable.ts`): the run's saved ones when it has finished before, else worked out now and
 * saved; seeded by the run's initialisation seed.
 */
export async function lesionStage(o: StageOptions): Promise<{ weights: Weights; config: LesionClassifierConfig; lungLobes: LungLobeTable }> {
  const seed = o.initSeed ?? o.seed;
  const config = DEFAULT_LESION_CLASSIFIER;
  const saved = o.resume ? await loadCheckpoint<{ step: number; lungLobes?: LungLobeTable }>(o.out, CHECKPOINT) : undefined;
  if (saved) {
    if (!saved.state.lungLobes) throw new Error(`${o.out}: the saved lesion classifier has no lobe table (Tuwen v58 and before): run the lesion stage again without --resume`);
    o.log(`lesion classifier: the saved best checkpoint (step ${saved.state.step})`);
    return { weights: saved.weights, config, lungLobes: saved.state.lungLobes };
  }
  const rand = new Random(seed);
  const { examples: train, lungLobes: samples } = await splitExamples(o, 'train', rand);
  const { examples: val } = await splitExamples(o, 'val', rand);
  const on = (e: LesionExamples) => e.classes.filter((c) => c > 0).length;
  o.log(`lesion classifier: ${train.classes.length} training candidates (${on(train)} on findings), ${val.classes.length} validation candidates (${on(val)}); lobe table from ${samples.length} box centres`);
  const lungLobes = lungLobeTable(samples);
  const tick = o.progress('lesion classifier', o.lesionSteps);
  const trained = trainLesionClassifier(train, val, {
    config, steps: o.lesionSteps, batch: 256, learningRate: 0.001, evalEvery: o.evalEvery * 5, seed,
    onStep: (s, l) => tick(s, `loss ${l.toFixed(4)}`),
    onValidation: (s, l) => o.log(`lesion classifier step ${s}: validation loss ${l.toFixed(4)}`),
  });
  o.log(`lesion classifier: best validation loss ${trained.loss.toFixed(4)} at step ${trained.step}`);
  await saveCheckpoint(o.out, CHECKPOINT, trained.weights, { step: trained.step, loss: trained.loss, lungLobes });
  return { weights: trained.weights, config, lungLobes };
}

/**
 * A finished run with the lesion detector added: its classifier trained (or, resumed, read back), its
 * weights joined to the run's model and its configuration to config.json, ready for `tuwen export`.
 */
export async function addLesionClassifier(o: StageOptions): Promise<ModelConfig> {
  const model = await loadCheckpoint<{ config: ModelConfig }>(o.out, 'model');
  if (!model) throw new Error(`${o.out}: no trained model to add the lesion detector to (train it with --stage all first)`);
  const { weights, config: lesions, lungLobes } = await lesionStage(o);
  const old = Object.keys(weights).filter((k) => model.weights[k]);
  disposeWeights(Object.fromEntries(old.map((k) => [k, model.weights[k]!])));
  const config: ModelConfig = { ...model.state.config, lesions, lungLobes };
  await saveCheckpoint(o.out, 'model', { ...model.weights, ...weights }, { config });
  await writeFile(join(o.out, 'config.json'), JSON.stringify(config, null, 1) + '\n');
  return config;
}
