/**
 * Stage 1 of the retrieval pipeline: the frozen image encoder — the run's saved best checkpoint, a new
 * pretraining, or (ablation, or data without boxes) a seeded random initialisation — and every study's
 * region features, which are all the later stages read of the images. On corpus data with a cache
 * directory, a reused encoder finds the features of studies rendered by an earlier run instead of
 * rendering them again (~9 minutes for 2,000 studies).
 */
import type { Split } from '../corpus/splits.ts';
import { itemVolume, manifestSplit } from '../eval/testSet.ts';
import { imageEncoderMismatch, initImageEncoder } from '../inference/models/imageEncoder.ts';
import { disposeWeights, type Weights } from '../inference/models/weights.ts';
import { loadCheckpoint, readCheckpointState, saveCheckpoint } from './checkpoint.ts';
import { cacheImageFeatures } from './features.ts';
import { volumeExample } from './imageExamples.ts';
import type { PipelineOptions } from './pipeline.ts';
import { pretrainImageEncoder } from './pretrainImage.ts';
import { int8Rounded } from './int8Aware.ts';
import { renderSplit, type RenderedStudy } from './renderStudies.ts';
import { cachedStudies, isStudyCached, writeStudyCache, type CachedStudy, type StudySource } from './studyCache.ts';

type Splits = { train: CachedStudy[]; val: CachedStudy[] };

const INT8_FEATURES = 'int8 image encoder (as exported): the features the int8-aware decoder trains on';

/**
 * The studies with the frozen encoder's features; with `o.int8AwareSteps`, also (`int8`) with the features
 * of the encoder as the export rounds it, which the int8-aware decoder trains on (cached like the others).
 */
export async function imageStage(o: PipelineOptions, imageSeed: number, patience: number): Promise<Splits & { int8?: Splits }> {
  const imageRun = await readCheckpointState<{ step: number; stopped?: boolean }>(o.out, 'image-encoder.last');
  const resumeImage = o.resume === true && imageRun !== undefined && !imageRun.stopped && imageRun.step < o.imageSteps;
  const saved = resumeImage ? undefined : (await loadCheckpoint(o.out, 'image-encoder.best'))?.weights;
  if (saved) {
    const mismatch = imageEncoderMismatch(saved, o.image);
    if (mismatch) throw new Error(`the saved image encoder in ${o.out} does not fit this configuration (${mismatch}): pretrain it again or remove image-encoder.best.*`);
    o.log('image encoder: using the saved best checkpoint');
  }
  const data = o.data;
  const cache = o.cache !== undefined && data.kind === 'corpus' ? { dir: o.cache, source: (imageWeights: Weights): StudySource => ({ seed: o.seed, n: data.n, size: data.size, image: o.image, imageWeights }) } : undefined;
  if (saved && cache) {
    /** Both splits' studies with the features of `encoder` ("train studies: …", "train int8 studies: …"). */
    const read = async (encoder: Weights, what: string): Promise<Splits> => {
      const source = cache.source(encoder);
      const split = (name: Split) => {
        const cached = isStudyCached(cache.dir, name, source);
        o.log(`${name} ${what}: ${cached ? `frozen features read from the cache in ${cache.dir}` : `rendering, features cached in ${cache.dir}`}`);
        const tick = o.progress(`${cached ? 'reading' : 'rendering'} ${name} ${what}`, source.n);
        return cachedStudies(cache.dir, name, source, (done) => tick(done));
      };
      return { train: await split('train'), val: await split('val') };
    };
    const out = await read(saved, 'studies');
    const int8 = o.int8AwareSteps ? int8Rounded(saved) : undefined;
    disposeWeights(saved);
    if (!int8) return out;
    o.log(INT8_FEATURES);
    const int8Splits = await read(int8, 'int8 studies');
    disposeWeights(int8);
    return { ...out, int8: int8Splits };
  }

  const train = await renderedStudies(o, 'train');
  const val = await renderedStudies(o, 'val');
  let image = saved;
  if (!image && (o.ablation === 'random-image' || !train.some((s) => s.findings.length > 0))) {
    image = initImageEncoder(o.image, imageSeed);
    await saveCheckpoint(o.out, 'image-encoder.best', image, { pretrained: false });
    o.log(o.ablation ? 'image encoder: seeded random initialisation, not pretrained (ablation)' : 'image encoder: no ground-truth boxes in this data, so no pretraining (random initialisation, frozen)');
  } else if (!image) {
    const tick = o.progress('image encoder', o.imageSteps);
    image = await pretrainImageEncoder(train.map((s) => s.image), val.map((s) => s.image), {
      encoder: o.image, steps: o.imageSteps, batch: o.batch, learningRate: o.imageLearningRate ?? 0.003, ...(o.imageLearningRateFloor === undefined ? {} : { learningRateFloor: o.imageLearningRateFloor }), positiveWeight: o.positiveWeight, ...(o.localisationWeight ? { localisationWeight: o.localisationWeight } : {}), ...(o.mirror ? { mirror: true } : {}), evalEvery: o.evalEvery, patience, seed: imageSeed, out: o.out, resume: resumeImage,
      onStep: (s, l) => {
        tick(s, `loss ${l.toFixed(4)}`);
        o.onLoss?.('image', s, l);
      },
      log: o.log,
    });
  }
  const withFeatures = (encoder: Weights, records: RenderedStudy[], label: string): CachedStudy[] => {
    const tick = o.progress(label, records.length);
    const features = cacheImageFeatures(encoder, o.image, records.map((r) => r.image), 8, tick);
    return records.map(({ image: example, ...r }, i) => ({ ...r, category: example.category, features: features[i]! }));
  };
  const encoded = async (encoder: Weights, label: string): Promise<Splits> => {
    const out = { train: withFeatures(encoder, train, `${label} (train)`), val: withFeatures(encoder, val, `${label} (val)`) };
    if (cache) for (const split of ['train', 'val'] as const) await writeStudyCache(cache.dir, split, cache.source(encoder), out[split]);
    return out;
  };
  const out = await encoded(image!, 'image features');
  const int8 = o.int8AwareSteps ? int8Rounded(image!) : undefined;
  disposeWeights(image);
  if (!int8) return out;
  o.log(INT8_FEATURES);
  const int8Splits = await encoded(int8, 'int8 image features');
  disposeWeights(int8);
  return { ...out, int8: int8Splits };
}

/** A split's studies with their encoder input: rendered from the corpus, or read from a manifest's files. */
async function renderedStudies(o: PipelineOptions, split: Split): Promise<RenderedStudy[]> {
  const data = o.data;
  if (data.kind === 'corpus') {
    const tick = o.progress(`rendering ${split} studies`, data.n);
    return renderSplit({ seed: o.seed, n: data.n, split, size: data.size, image: o.image }, tick);
  }
  const items = await manifestSplit(data.path, split);
  const tick = o.progress(`reading ${split} studies`, items.length);
  const out: RenderedStudy[] = [];
  for (const item of items) {
    const { modality, grid } = await itemVolume(item);
    const findings = item.findings ?? [];
    out.push({ id: item.id, image: volumeExample(item.id, modality, grid, findings, item.facts, o.image), text: item.text, clinical: item.clinical, summary: item.summary, facts: item.facts, findings, volume: grid });
    tick(out.length);
  }
  return out;
}
