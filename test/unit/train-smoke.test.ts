/**
 * Smoke training of the whole retrieval model on a tiny corpus: every stage's loss falls, the model
 * directory loads, and it summarises a study with β and attention per token. (Minutes, not hours: the
 * real run is `tuwen train --stage all`.)
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateStudy, studyModality } from '../../src/corpus/study.ts';
import { loadEvalModel, loadModelDir } from '../../src/eval/models.ts';
import { itemVolume } from '../../src/eval/testSet.ts';
import { useWasmForTraining } from '../../src/cli/trainingSetup.ts';
import { exportModel } from '../../src/training/exportModel.ts';
import { loadCheckpoint } from '../../src/training/checkpoint.ts';
import { trainPipeline } from '../../src/training/pipeline.ts';
import { trainGenerative } from '../../src/training/generativePipeline.ts';
import { fineTuneRetrievalModel } from '../../src/training/rewardPipeline.ts';
import { writeAdversarialReport } from '../../src/eval/adversarialReport.ts';
import { withDotFilter } from '../../src/inference/models/imageEncoder.ts';
import { FILTER_COUNT } from '../../src/inference/filterMaxima.ts';
import { PAGE_DECODING } from '../../src/inference/pageDecoding.ts';
import { DEFAULT_LESION_CLASSIFIER } from '../../src/inference/models/lesionClassifier.ts';
import { LUNG_LOBE_CELLS } from '../../src/training/lungLobeTable.ts';

// The setup every training command starts with: wasm, the fast matMul gradient and the heap-view slices.
beforeAll(useWasmForTraining);

/** The retrieval model the first test trains; the generative and reward stages build on it. */
const out = mkdtempSync(join(tmpdir(), 'tuwen-train-'));
const corpus = { seed: 77, n: 40, size: 64 };
/** Rendered studies' frozen features, written by the first training and read by every later stage. */
const cache = join(out, 'cache');
const quiet = { progress: () => () => {}, log: () => {} };
/** The decoder options of the shipped recipe and of the latest experiments, so that each is exercised. */
const recipe = { temporalAttention: true, ownTextFindings: true, omittedLobeCopies: true, alignedCopies: true, sentenceAttention: true, guidedVision: true, visualOutput: true, remainingSentences: true, sentenceProduct: true, passageUncopied: true, regionLobes: true };

// The first test's limit is generous: alone it takes ~110 s on 2 cores, and Vitest runs other files beside it.
describe('training smoke test', () => {
  // The nodule filter's channel too: rendering, pretraining, the exported config and both summarizers read it.
  const image = withDotFilter({ grid: { depth: 16, height: 64, width: 64 }, channels: 2, widths: [4, 8, 8], findingTypes: 9, regionMixing: 1, lobes: 5, filterFeatures: true });
  /** The pointing head of the shipped model: trained on the frozen decoder, its keys with the fixed filters' maxima, which the retriever and the decoder's reading leave out. */
  const head = { retrieverWithoutFilters: true, filtersInKeysOnly: true, pointingHeadSteps: 4 };
  /** The lesion detector's classifier, which the page weighs omitted lobes by. */
  const lesions = { lesionSteps: 4 };
  it('a reading attention weight without the pointing attention is refused before any stage runs', async () => {
    const logs: string[] = [];
    await expect(trainPipeline({ seed: 1, data: { kind: 'corpus', n: 4, size: 64 }, out: join(out, 'refused'), image, imageSteps: 1, positiveWeight: 1, retrieverSteps: 1, decoderSteps: 1, batch: 1, evalEvery: 1, readingAttentionWeight: 1, progress: () => () => {}, log: (l) => logs.push(l) })).rejects.toThrow('give both, or neither');
    expect(logs).toEqual([]);
    await expect(trainPipeline({ seed: 1, data: { kind: 'corpus', n: 4, size: 64 }, out: join(out, 'refused'), image, imageSteps: 1, positiveWeight: 1, retrieverSteps: 1, decoderSteps: 1, batch: 1, evalEvery: 1, pointingAttention: true, pointingHeadSteps: 1, progress: () => () => {}, log: (l) => logs.push(l) })).rejects.toThrow('give one of them');
    expect(logs).toEqual([]);
  });

  it('trains every stage a few steps; the model loads and decodes', async () => {
    const losses: Record<string, number[]> = { image: [], retriever: [], decoder: [], int8: [], pointing: [] };
    const firstLogs: string[] = [];
    await trainPipeline({
      seed: corpus.seed, data: { kind: 'corpus', n: corpus.n, size: corpus.size }, out, cache, ...recipe, ...head, ...lesions,
      image,
      imageSteps: 24, imageLearningRate: 0.02, positiveWeight: 8, localisationWeight: 1, retrieverSteps: 12, decoderSteps: 24, int8AwareSteps: 4, batch: 4, evalEvery: 24,
      progress: () => () => {}, log: (l) => firstLogs.push(l),
      onLoss: (stage, _, loss) => losses[stage]!.push(loss),
    });
    expect(firstLogs.some((l) => /^decoder: \d+ extra training copies whose text omits a lobe$/.test(l))).toBe(true);
    // Int8-aware fine-tuning ran from the decoder's best weights, on the rounded encoders' features and passages.
    expect(losses.int8).toHaveLength(4);
    expect(firstLogs).toContain('int8 image encoder (as exported): the features the int8-aware decoder trains on');
    expect(firstLogs.some((l) => /^int8-aware decoder: validation \d+\.\d+ before fine-tuning/.test(l))).toBe(true);
    expect(readdirSync(out)).toEqual(expect.arrayContaining(['decoder-int8.best.json', 'curve-decoder-int8.svg', 'pointing-head.best.json', 'curve-pointing-head.svg', 'lesion-classifier.best.json']));
    // The lesion detector: candidates of findings and of none in both splits, its weights in the model.
    expect(firstLogs.some((l) => /^lesion classifier: \d+ training candidates \([1-9]\d* on findings\), \d+ validation candidates \([1-9]\d*\); lobe table from [1-9]\d* box centres$/.test(l))).toBe(true);
    // The pointing head trained on the frozen decoder: the model's decoder is the int8-aware (core) decoder's best, weight for weight,
    // its region positions zero for the filters' maxima; its head is the head's best.
    expect(losses.pointing).toHaveLength(4);
    const [model, decoder, pointing] = await Promise.all([loadCheckpoint(out, 'model'), loadCheckpoint(out, 'decoder-int8.best'), loadCheckpoint(out, 'pointing-head.best')]);
    for (const [name, v] of Object.entries(decoder!.weights)) if (name !== 'dec.region_pos') expect(Array.from(model!.weights[name]!.dataSync()), name).toEqual(Array.from(v.dataSync()));
    const [positions, corePositions] = [model!.weights['dec.region_pos']!, decoder!.weights['dec.region_pos']!];
    expect(positions.shape[1]).toBe(corePositions.shape[1]! + FILTER_COUNT);
    expect(Array.from(tf.slice(positions, [0, 0], [-1, corePositions.shape[1]!]).dataSync())).toEqual(Array.from(corePositions.dataSync()));
    expect(tf.slice(positions, [0, corePositions.shape[1]!], [-1, FILTER_COUNT]).dataSync().every((v) => v === 0)).toBe(true);
    expect(Object.keys(pointing!.weights).sort()).toEqual(['dec.att_pt.hidden', 'dec.att_pt.regions', 'dec.att_pt.sentence']);
    for (const [name, v] of Object.entries(pointing!.weights)) expect(Array.from(model!.weights[name]!.dataSync()), name).toEqual(Array.from(v.dataSync()));
    tf.dispose([...Object.values(model!.weights), ...Object.values(decoder!.weights), ...Object.values(pointing!.weights)]);
    for (const stage of ['image', 'retriever', 'decoder']) {
      const l = losses[stage]!;
      expect(l[l.length - 1], stage).toBeLessThan(l[0]!);
    }
    const { summarizer, params } = await loadModelDir(out);
    expect(params).toBeGreaterThan(10_000);
    expect(summarizer.config.trainedOn).toMatch(/, int8-aware fine-tuning 4 steps \(its best validation\), pointing head on the frozen decoder 4 steps \(its best validation\)$/);
    // As an evaluation model: greedy runs are ablation rows; beam-search runs say so and stay out of that table.
    const greedy = await loadEvalModel(out);
    expect(greedy.ablation).toMatch(/^full model, fp32$/);
    const beam = await loadEvalModel(out, { beamSize: 3, lengthPenalty: 0.7 });
    expect(beam.name).toMatch(/beam 3 \(length penalty 0\.7\)$/);
    expect(beam.ablation).toBeUndefined();
    const s = generateStudy(78, 0, { size: 64 });
    const modality = studyModality(s);
    const input = { modality, grid: { depth: s.phantom.sliceZ.length, height: 64, width: 64 }, text: s.text };
    const before = tf.memory().numTensors;
    const result = await summarizer.summarize(input, { beamSize: 2, lengthPenalty: 0.7, maxLength: 12 });
    expect(tf.memory().numTensors).toBe(before);
    // 50 summaries (greedy and beam, with and without balanced brackets, items in sequence and an item per salient sentence, a cancelled one too) leave no tensor
    // behind; the same input and options give the same tokens.
    const ids = (r: { tokens: { id: number }[] }) => r.tokens.map((t) => t.id);
    const first = ids(await summarizer.summarize(input, { beamSize: 1, lengthPenalty: 0, maxLength: 12 }));
    // The page's decoding weighs omitted lobes by the lesion detector: the model has one.
    expect(summarizer.config).toMatchObject({ lesions: DEFAULT_LESION_CLASSIFIER, lungLobes: { cells: LUNG_LOBE_CELLS } });
    const pageDefault = { ...PAGE_DECODING, maxLength: 12 };
    const firstDefault = ids(await summarizer.summarize(input, pageDefault));
    for (let i = 0; i < 47; i++) {
      // Every sixth, the page's own decoding (the lesion detector's weighing too): it must give the same tokens again.
      const again = await summarizer.summarize(input, i % 6 === 5 ? pageDefault : { beamSize: 1 + (i % 3), lengthPenalty: 0.7, balancedBrackets: i % 2 === 1, sequentialItems: i % 2 === 1, salientItems: i % 2 === 1, maxLength: 12 });
      if (i % 6 === 0) expect(ids(again)).toEqual(first);
      if (i % 6 === 5) expect(ids(again)).toEqual(firstDefault);
    }
    const aborted = new AbortController();
    aborted.abort();
    await expect(summarizer.summarize(input, { beamSize: 1, lengthPenalty: 0, maxLength: 12, signal: aborted.signal })).rejects.toThrow(/cancelled/);
    expect(tf.memory().numTensors).toBe(before);
    expect(result.tokens.length).toBeGreaterThan(0);
    for (const t of result.tokens) {
      expect(t.beta).toBeGreaterThan(0);
      expect(t.beta).toBeLessThan(1);
      expect(t.visualAttention).toHaveLength(2 * 4 * 4);
      expect(t.textAttention.length).toBe(result.contextTokens.length);
      // Sentence attention: a distribution over the input text's sentences, none past the ones it has.
      const sentences = t.sentenceAttention!;
      expect(sentences.reduce((a, v) => a + v, 0)).toBeCloseTo(1, 4);
      const had = s.text.split('。').filter((x, i, all) => x.length > 0 || i < all.length - 1).length;
      expect(Array.from(sentences.slice(had)).every((v) => v === 0)).toBe(true);
    }
    expect(result.passages.length).toBeGreaterThanOrEqual(3);
    summarizer.dispose();

    // Exported (uint8 weights, int8 index): every file listed with its hash, and it still decodes.
    const exported = join(out, 'exported');
    const files = await exportModel(out, exported);
    expect(files.map((f) => f.path).sort()).toEqual(['config.json', 'index-scales.bin', 'index.bin', 'passages.json', 'tokenizer.json', 'weights.bin', 'weights.json']);
    const manifest = JSON.parse(readFileSync(join(exported, 'manifest.json'), 'utf8')) as { files: { path: string; sha256: string }[] };
    for (const f of manifest.files) expect(createHash('sha256').update(readFileSync(join(exported, f.path))).digest('hex')).toBe(f.sha256);
    const int8 = (await loadModelDir(exported)).summarizer;
    const again = await int8.summarize({ modality, grid: { depth: s.phantom.sliceZ.length, height: 64, width: 64 }, text: s.text }, { beamSize: 1, lengthPenalty: 0, maxLength: 12 });
    expect(again.tokens.length).toBeGreaterThan(0);
    int8.dispose();

    // Resuming a finished run trains nothing again: every stage is found done, and no study is rendered again.
    const logs: string[] = [];
    const resumedLosses: string[] = [];
    await trainPipeline({
      seed: corpus.seed, data: { kind: 'corpus', n: corpus.n, size: corpus.size }, out, cache, ...recipe, ...head, ...lesions, resume: true,
      image,
      imageSteps: 24, imageLearningRate: 0.02, positiveWeight: 8, localisationWeight: 1, retrieverSteps: 12, decoderSteps: 24, int8AwareSteps: 4, batch: 4, evalEvery: 24,
      progress: () => () => {}, log: (l) => logs.push(l), onLoss: (stage) => resumedLosses.push(stage),
    });
    expect(resumedLosses).toEqual([]);
    expect(logs).toEqual(expect.arrayContaining(['image encoder: using the saved best checkpoint', ...['train', 'val'].map((split) => `${split} studies: frozen features read from the cache in ${cache}`), 'retriever: finished in the run being resumed, its best checkpoint is used', 'decoder: finished in the run being resumed, its best checkpoint is used', 'int8-aware decoder: resumed at step 4 (finished)', 'pointing head: finished in the run being resumed, its best checkpoint is used', 'lesion classifier: the saved best checkpoint (step 4)']));
  }, 420_000);

  it('LFMGAN: MLE then adversarial steps on the retrieval model\'s encoder; paper B reward steps; all load and decode', async () => {
    const stage = { from: out, cache, data: corpus, batch: 4, learningRate: 0.003, evalEvery: 4, s: 0.5, samples: 2, mleWeight: 0.5, policyWeight: 1, discriminatorWarmup: 2, ...quiet };
    const mleLosses: number[] = [];
    await trainGenerative({ ...stage, out: join(out, 'mle'), stage: 'mle', steps: 12, onLoss: (_, l) => mleLosses.push(l) });
    expect(mleLosses[mleLosses.length - 1]!).toBeLessThan(mleLosses[0]!);
    const adversarial = await trainGenerative({ ...stage, out: join(out, 'adv'), stage: 'adversarial', init: join(out, 'mle'), steps: 4 });
    expect(adversarial.training).toMatchObject({ mleSteps: 12, adversarialSteps: 4, s: 0.5 });
    const history = JSON.parse(readFileSync(join(out, 'adv', 'adversarial-history.json'), 'utf8')) as { discriminatorAccuracy: number }[];
    expect(history.length).toBeGreaterThan(0);
    const tuned = await fineTuneRetrievalModel({ ...stage, out: join(out, 'reward'), alpha: 0.5, evaluator: 'cider-d', steps: 3, mleWeight: 0 });
    expect(tuned.reward).toMatchObject({ alpha: 0.5, evaluator: 'cider-d' });
    // The factual reward: e = the greedy summary's fact F1, in [0, 1].
    const factual = await fineTuneRetrievalModel({ ...stage, out: join(out, 'reward-facts'), alpha: 0, evaluator: 'facts', steps: 2, mleWeight: 0.5, discriminatorWarmup: 0 });
    expect(factual.reward).toMatchObject({ alpha: 0, evaluator: 'facts' });
    const factHistory = JSON.parse(readFileSync(join(out, 'reward-facts', 'reward-history.json'), 'utf8')) as { greedyCider: number }[];
    expect(factHistory.length).toBeGreaterThan(0);
    for (const h of factHistory) expect(h.greedyCider >= 0 && h.greedyCider <= 1).toBe(true);
    const s = generateStudy(78, 1, { size: 64 });
    const input = { modality: studyModality(s), grid: { depth: s.phantom.sliceZ.length, height: 64, width: 64 }, text: s.text };
    for (const dir of ['adv', 'reward']) {
      const exported = join(out, dir, 'exported');
      await exportModel(join(out, dir), exported);
      const { summarizer } = await loadModelDir(exported);
      const before = tf.memory().numTensors;
      const result = await summarizer.summarize(input, { beamSize: 2, lengthPenalty: 0.7, maxLength: 8 });
      expect(tf.memory().numTensors).toBe(before);
      expect(result.regionShape).toEqual([2, 4, 4]);
      if (dir === 'adv') {
        expect(summarizer.config.kind).toBe('generative');
        expect(result.passages).toEqual([]);
        for (const t of result.tokens) expect(t.beta).toBeNull();
      }
      summarizer.dispose();
    }
    // The report names each run and carries the discriminator's accuracy from the training history.
    const report = await writeAdversarialReport(join(out, 'reports'), [join(out, 'mle'), join(out, 'adv'), join(out, 'reward'), join(out, 'reward-facts')], ['none yet']);
    expect(report).toMatch(/\| \*\*MLE only\*\* \| 0 \|/);
    expect(report).toMatch(/\| adversarial, s = 0\.5 \| 4 \|.*→/);
    expect(report).toMatch(/\| reward, α = 0\.5 \| 3 \|/);
    expect(report).toMatch(/\| reward, α = 0, e = fact F1 \| 2 \|/);
  }, 240_000);
});

describe('training on a dataset manifest', () => {
  it('reads the studies a manifest lists (boxes → region targets and the lesion detector\'s labels), trains, and the model decodes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tuwen-manifest-'));
    execFileSync('npx', ['tuwen', 'corpus', '--seed', '5', '--n', '24', '--size', '64', '--out', join(dir, 'corpus')], { stdio: 'ignore' });
    // One manifest for the train and val studies (a user's data comes as one file).
    const lines = ['train', 'val'].map((split) => readFileSync(join(dir, 'corpus', `manifest.${split}.jsonl`), 'utf8')).join('');
    writeFileSync(join(dir, 'corpus', 'manifest.jsonl'), lines);
    const out = join(dir, 'model');
    const logs: string[] = [];
    const config = await trainPipeline({
      seed: 5, initSeed: 6, imageSeed: 7, decoderSeed: 8, data: { kind: 'manifest', path: join(dir, 'corpus', 'manifest.jsonl') }, out,
      // The encoder's options that change what the decoder reads, through training and the summarizer.
      image: { grid: { depth: 16, height: 64, width: 64 }, channels: 2, widths: [4, 8, 8], findingTypes: 9, regionMixing: 1, lobes: 5, logFeatures: true, headFeatures: true, filterFeatures: true },
      imageSteps: 6, imageLearningRate: 0.02, positiveWeight: 8, retrieverSteps: 6, decoderSteps: 6, batch: 4, evalEvery: 3, retrieverWithoutFilters: true, filtersInKeysOnly: true, detachedVisualQuery: true, pointingAttention: true, lesionSteps: 2,
      progress: () => () => {},
      log: (l) => logs.push(l),
    });
    expect(config.retriever.imageDim).toBe(8 + 9 + 1 + 5); // the retriever leaves the filters' maxima to the decoder
    expect(config.trainedOn).toMatch(/^manifest .*, init seed 6, image seed 7, decoder seed 8 \(train split: \d+\)$/);
    expect(logs.some((l) => l.startsWith('image encoder: ') && l.includes('parameters'))).toBe(true); // pretrained (the corpus has boxes)
    expect(config.decoder.regionDim).toBe(8 + 9 + 1 + 5 + 2); // the features, σ of each head output, then the two filters' maxima
    expect(config.decoder.keyOnlyFeatures).toBe(2); // the filters' maxima steer the visual attention only
    expect(config.decoder.detachedVisualQuery).toBe(true);
    expect(config.decoder.pointingAttention).toBe(true);
    // The lesion detector learns from the findings' boxes: candidates inside them are labelled, in both splits.
    expect(logs.some((l) => /^lesion classifier: \d+ training candidates \([1-9]\d* on findings\), \d+ validation candidates \([1-9]\d*\); lobe table from [1-9]\d* box centres$/.test(l))).toBe(true);
    expect(config.lesions).toEqual(DEFAULT_LESION_CLASSIFIER);
    const { summarizer } = await loadModelDir(out);
    const files = readdirSync(join(dir, 'corpus', 'studies', 'S5-00000')).map((f) => join(dir, 'corpus', 'studies', 'S5-00000', f));
    const volume = await itemVolume({ id: 'x', text: '', clinical: '', summary: '', facts: [], files });
    const result = await summarizer.summarize({ ...volume, text: '右肺上叶见一结节' }, { beamSize: 1, lengthPenalty: 0, maxLength: 6 });
    expect(result.tokens.length).toBeGreaterThan(0);
    // A text that omits the lobe, decoded with the lobes weighed by the detector.
    expect((await summarizer.summarize({ ...volume, text: '右肺见一结节' }, { beamSize: 2, lengthPenalty: 0.7, maxLength: 6, lesionLobes: true })).tokens.length).toBeGreaterThan(0);
    summarizer.dispose();
  }, 180_000);
});
