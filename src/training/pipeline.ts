/**
 * The whole retrieval-model training: the frozen image encoder and every study's features
 * (`imageStage.ts`), tokenizer and passages from the training split, retriever, retrieval of each study's
 * context passages, fusion decoder; then the model directory (config, tokenizer, passages, weights).
 */
import * as tf from '@tensorflow/tfjs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildPassages } from '../corpus/passages.ts';
import { toJsonl } from '../dataset/jsonl.ts';
import { findingMentions } from '../corpus/findingMentions.ts';
import { boxRegions } from '../eval/pointing.ts';
import { featureWidth, regionGrid, type ImageEncoderConfig } from '../inference/models/imageEncoder.ts';
import { FILTER_COUNT } from '../inference/filterMaxima.ts';
import { coreDecoderConfig, withPointingHead, type FusionDecoderConfig } from '../inference/models/fusionDecoder.ts';
import type { RetrieverConfig } from '../inference/models/retriever.ts';
import type { TextEncoderConfig } from '../inference/models/textEncoder.ts';
import type { ModelConfig } from '../inference/summarizer.ts';
import { disposeWeights, type Weights } from '../inference/models/weights.ts';
import { buildTokenizerJson, loadTokenizer } from '../text/tokenizer.ts';
import { loadCheckpoint, readCheckpointState, saveCheckpoint } from './checkpoint.ts';
import { imageStage } from './imageStage.ts';
import type { CachedStudy } from './studyCache.ts';
import { omittedFindingCopies, omittedLobeCopies } from './omittedCopies.ts';
import { LOBES, type FindingTruth, type FindingType } from '../corpus/schema.ts';
import { trainDecoder } from './trainDecoder.ts';
import { trainPointingHead } from './trainPointingHead.ts';
import { finishedRun } from './fitSequenceModel.ts';
import { int8Index, int8Rounded } from './int8Aware.ts';
import { embedTexts } from '../inference/models/retriever.ts';
import { trainRetriever } from './trainRetriever.ts';
import { studyContexts } from './decoderContexts.ts';
import { copySources, placeAndSizeTokens } from './copySources.ts';
import { regionLobeTable } from './regionLobes.ts';
import { lesionStage } from './lesionStage.ts';
import { tiesInTextOrder } from './tieOrder.ts';
import { LOCATION_PHRASES } from '../corpus/lexicon.ts';
import { alignItems, learnRewordings, sentenceIndex, type Rewordings } from './itemAlignment.ts';
import { SENTENCE_END } from '../text/sentences.ts';

/**
 * Ablations of the model, trained the same way: without retrieved passages in the decoder's context;
 * with the image encoder left at its seeded random initialisation (no pretraining, frozen as usual);
 * with β fixed at 0.5 instead of the adaptive gate; without text feeding (paper A's decoder as written).
 */
export const ABLATIONS = ['no-retrieval', 'random-image', 'fixed-beta', 'no-text-feeding'] as const;
export type Ablation = (typeof ABLATIONS)[number];

/** What to train on: the first n studies of a corpus seed (rendered in memory), or a dataset manifest. */
export type TrainingData = { kind: 'corpus'; n: number; size: number } | { kind: 'manifest'; path: string };

export interface PipelineOptions {
  ablation?: Ablation;
  /** Seeds the corpus (for corpus data), and the initialisation and batch order unless `initSeed` is set. */
  seed: number;
  /** Seeds the initialisation and the batch order alone: runs on the same data that differ only in it measure the run-to-run spread. */
  initSeed?: number;
  /** Seeds the image encoder's pretraining (or, for the random-image ablation, its initialisation) alone; default the init seed. */
  imageSeed?: number;
  /** Seeds the decoder's initialisation, its batch order and its omitted-lobe and omitted-finding copies alone; default the init seed. */
  decoderSeed?: number;
  data: TrainingData;
  out: string;
  /**
   * Where rendered corpus studies' frozen features are cached (shared between runs): a run that reuses an
   * image encoder reads them instead of rendering. Unset: nothing is cached.
   */
  cache?: string;
  image: ImageEncoderConfig;
  imageSteps: number;
  /** Adam's step size for the image encoder (default 0.003). */
  imageLearningRate?: number;
  /** With it, the image encoder's step size decays by a cosine to its rate × this at the last step (`cosineRate`); without it, constant. */
  imageLearningRateFloor?: number;
  /** Weight of positive regions in the image encoder's loss (they are ~0.2 % of region × type cells). */
  positiveWeight: number;
  retrieverSteps: number;
  decoderSteps: number;
  /** Retrieved passages in the decoder's context (k, default 3; the no-retrieval ablation has none). */
  passages?: number;
  /** The decoder LSTM's hidden size (default 192). */
  decoderHidden?: number;
  /** λ of the decoder's coverage loss (default 1, as in See et al. 2017). */
  coverageWeight?: number;
  /** λ of the copy (text attention) supervision; default 1. */
  copyWeight?: number;
  /** λ of the supervised visual attention (−log of the attention mass on the named finding's regions); default 1. */
  attentionWeight?: number;
  /** The decoder is validated, kept and shipped as the moving average of its weights, with this decay per step (`weightAverage.ts`); default: none. */
  decoderAverage?: number;
  /** Dropout rate on the frozen region features while the decoder trains (default 0: none). */
  regionDropout?: number;
  /** The context encoder's dilations, one residual convolution block each (default 1, 2, 4, 8: each token sees ±15 neighbours). */
  contextDilations?: number[];
  /** Intra-temporal text attention in the decoder (Paulus et al. 2018). */
  temporalAttention?: boolean;
  /** Copy supervision looks for tokens naming the study's own findings and places in its input text only, never in a passage. */
  ownTextFindings?: boolean;
  /** Corpus data: the decoder also trains on a copy of each study with lung findings whose text omits one lobe (`omittedCopies.ts`). */
  omittedLobeCopies?: boolean;
  /** Corpus data: the decoder also trains on a copy of each study with findings whose text omits one finding entirely (`omittedCopies.ts`). */
  omittedFindingCopies?: boolean;
  /** With `omittedFindingCopies`: only findings of these types are left out (default: any). */
  omittedFindingTypes?: FindingType[];
  /** Copy supervision reads each summary item's tokens from the input sentence it restates (`itemAlignment.ts`). */
  alignedCopies?: boolean;
  /** The decoder attends over the input text's sentences, supervised with the sentence each summary item restates (`fusionDecoder.ts`). */
  sentenceAttention?: boolean;
  /** λ of that supervision; default 1. */
  sentenceWeight?: number;
  /** With sentence attention: the visual attention's query also reads the sentence being restated (`fusionDecoder.ts`). */
  guidedVision?: boolean;
  /** The visual context also feeds the decoder's generated distribution (`fusionDecoder.ts`). */
  visualOutput?: boolean;
  /** With sentence attention: the salient sentences not yet attended feed the decoder (`fusionDecoder.ts`). */
  remainingSentences?: boolean;
  /** With `remainingSentences`: the sentence coverage at which a sentence counts as read (κ, default 1). */
  remainingReadAt?: number;
  /** With sentence attention: a token's sentence weight enters its text energy as a log (`fusionDecoder.ts`). */
  sentenceProduct?: boolean;
  /** The decoder may not copy a place or a size (`placeAndSizeTokens`) from a retrieved passage, only from the study's own text. */
  passageUncopied?: boolean;
  /** The decoder's output also reads P(lobe | region) under its visual attention (`regionLobes.ts`). */
  regionLobes?: boolean;
  /** With the image's `filterFeatures`: the retriever reads the encoder's features only, the decoder the filters' maxima too. */
  retrieverWithoutFilters?: boolean;
  /** With the image's `filterFeatures`: the decoder's visual attention reads the filters' maxima in its keys only (`fusionDecoder.ts`). */
  filtersInKeysOnly?: boolean;
  /** No gradient from the decoder's visual attention into its query's LSTM state and sentence (`fusionDecoder.ts`). */
  detachedVisualQuery?: boolean;
  /** Two visual attentions in the decoder: one points (shown, scored, read into l_y), v_y is read through the other (`fusionDecoder.ts`). */
  pointingAttention?: boolean;
  /** With `pointingAttention`: λ of the reading attention's supervision; default 1 (the attention weight then applies to the pointing one). */
  readingAttentionWeight?: number;
  /**
   * After the decoder, this many steps of a pointing head on its frozen states (`trainPointingHead.ts`): the
   * decoder is trained as without it, the head then learns where the finding each token names lies, and the
   * page shows the head. Default 0: none.
   */
  pointingHeadSteps?: number;
  /**
   * Steps of the lesion detector's classifier (`lesionStage.ts`), trained from the images alone after the
   * other stages; the page then weighs an item's lobe that the text omits by where the detector finds the
   * finding (`lesionLobeConstraint.ts`). Default 0: none.
   */
  lesionSteps?: number;
  /** With `pointingHeadSteps`: the head's keys read the regions through a GELU layer of this width, and its query has a bias (`fusionDecoder.ts`). */
  pointingHeadHidden?: number;
  /** Corpus data: the decoder's summaries list equally urgent findings in the order the input text has them (`tieOrder.ts`). */
  tiesInTextOrder?: boolean;
  /** Item alignment also pairs items that reword their sentence, by the training split's own rewordings (`itemAlignment.ts`). */
  rewordedItems?: boolean;
  /** The decoder's passages in MMR order with this λ (`diverseRanking.ts`), in training and, through the config, when it summarises. */
  mmr?: number;
  /**
   * After the decoder, this many steps of int8-aware fine-tuning (`int8Aware.ts`): from the decoder's best
   * checkpoint, on features of the rounded image encoder and passages ranked by the rounded text encoder
   * and index, through the rounded decoder weights — every part as the export rounds it. Default 0: none.
   */
  int8AwareSteps?: number;
  /** λ of the image encoder's localisation term (`pretrainImage.ts`; default 0: none). */
  localisationWeight?: number;
  /** Image pretraining mirrors each training study left–right with probability ½ (`pretrainImage.ts`). */
  mirror?: boolean;
  /**
   * The longest summary, in tokens with its EOS, that the decoder trains on and writes (default 96, the
   * recipes' value until v16). Longer ones are cut before their EOS — at 96, most corpus summaries of three
   * findings (median 113 tokens): the decoder learnt to stop after two. Set, batches are capped at
   * 32 × 96 summary positions (the wasm heap), so batches of longer summaries are smaller.
   */
  maxSummary?: number;
  batch: number;
  evalEvery: number;
  /** Early stopping of the image encoder and the decoder: validations without improvement (default 4). */
  patience?: number;
  /**
   * The decoder's own patience (its int8-aware fine-tuning and pointing head too; default `patience`). The
   * shipped recipe's is 2: its decoder's best validation is at step 1,100 of 1,400, so it stops at 1,300 with the
   * same best checkpoint, where the image encoder's validation rises twice before its best (so it keeps 4).
   */
  decoderPatience?: number;
  /**
   * Continue an interrupted run in `out`: an unfinished image pretraining or decoder from its last
   * checkpoint (weights, optimizer state, step); a finished retriever is kept, an unfinished one retrained
   * (it takes minutes).
   */
  resume?: boolean;
  progress: (label: string, total: number) => (done: number, extra?: string) => void;
  log: (line: string) => void;
  /** Every training step's running loss, per stage (for tests and curves). */
  onLoss?: (stage: 'image' | 'retriever' | 'decoder' | 'int8' | 'pointing', step: number, loss: number) => void;
}

/** The decoder's batch: 32 studies fit the wasm heap (4 GiB) with 96-token summaries, and train 1.6× more studies a second than 16. */
const DECODER_BATCH = 32;
const DEFAULT_MAX_SUMMARY = 96;
/** Int8-aware fine-tuning's step size: the decoder's own at the end of its cosine decay (0.003 × 0.1). */
const INT8_AWARE_RATE = 0.0003;

/** Sentences of the input text the decoder's sentence attention reads: the corpus's inputs have 5–9 (clinical line, findings, distractors; 300 studies counted), a user's may have more. */
const MAX_SENTENCES = 32;

export async function trainPipeline(o: PipelineOptions): Promise<ModelConfig> {
  const initSeed = o.initSeed ?? o.seed;
  const decoderSeed = o.decoderSeed ?? initSeed;
  const patience = o.patience ?? 4;
  /** A stage finished in the run being resumed: said once, and its best checkpoint is what later stages read. */
  const finishedBefore = async (label: string, last: string, steps: number) => {
    const done = o.resume === true && (await finishedRun(o.out, last, steps));
    if (done) o.log(`${label}: finished in the run being resumed, its best checkpoint is used`);
    return done;
  };
  // Before the hour of stages 1–2, not after.
  if (o.readingAttentionWeight !== undefined && !o.pointingAttention) throw new Error('--reading-attention-weight weighs the second visual attention of --pointing-attention; give both, or neither');
  if (o.pointingHeadSteps && (o.pointingAttention || o.readingAttentionWeight !== undefined)) throw new Error('--pointing-head-steps trains the pointing attention after the decoder, --pointing-attention with it: give one of them');
  if (o.pointingHeadHidden && !o.pointingHeadSteps) throw new Error('--pointing-head-hidden shapes the pointing head of --pointing-head-steps: give both, or neither');
  const { train, val, int8 } = await imageStage(o, o.imageSeed ?? initSeed, patience);
  if (train.length === 0 || val.length === 0) throw new Error(`training needs studies in both the train and val splits (found ${train.length} and ${val.length})`);

  // Tokenizer and passages come from the training split only.
  const passages = buildPassages(train);
  const tokenizerJson = buildTokenizerJson([...train.flatMap((s) => [s.text, s.clinical, s.summary]), ...passages.map((p) => p.text)]);
  const tokenizer = loadTokenizer(tokenizerJson);
  const encoded = passages.map((p) => ({ ...p, ids: tokenizer.encode(p.text) }));
  const text: TextEncoderConfig = { vocab: tokenizer.vocabSize, width: 64, maxLength: 256, blocks: 2 };
  const retriever: RetrieverConfig = { imageDim: featureWidth(o.image) - (o.retrieverWithoutFilters && o.image.filterFeatures ? FILTER_COUNT : 0), textDim: 64, hidden: 64, shared: 64, classes: 10, temperature: 0.1, centerWeight: 0.1 };
  const examples = (records: CachedStudy[]) =>
    records.map((r) => ({ features: r.features, inputIds: tokenizer.encode(`${r.clinical}${r.text}`), summaryIds: tokenizer.encode(r.summary), category: r.category, facts: r.facts }));
  const trainExamples = examples(train);
  const valExamples = examples(val);

  // Stage 2: text encoder and retriever. Its best checkpoint retrieves the decoder's passages, as it will in the exported model.
  if (!(await finishedBefore('retriever', 'retriever.last', o.retrieverSteps))) {
    const tick2 = o.progress('retriever', o.retrieverSteps);
    const trained = await trainRetriever(trainExamples, valExamples, encoded, {
      text, retriever, steps: o.retrieverSteps, batch: 32, learningRate: 0.003, learningRateFloor: 0.1, evalEvery: o.evalEvery, seed: initSeed, out: o.out,
      onStep: (s, l) => {
        tick2(s, `loss ${l.toFixed(4)}`);
        o.onLoss?.('retriever', s, l);
      },
      log: o.log,
    });
    disposeWeights(trained);
  }
  const textWeights = (await loadCheckpoint(o.out, 'retriever.best'))!.weights;

  // Each study's context: its top-k passages from other studies, then its own input text.
  const k = o.ablation === 'no-retrieval' ? 0 : (o.passages ?? 3);
  const index = embedTexts(textWeights, text, encoded.map((p) => p.ids));
  const r = regionGrid(o.image);
  const regionShape: [number, number, number] = [r.depth, r.height, r.width];
  const regionCount = r.depth * r.height * r.width;
  /** Per target token (summary, then EOS): the regions of the finding it names. */
  const attentionTargets = (mentions: (FindingTruth | undefined)[], record: CachedStudy): Uint8Array => {
    const out = new Uint8Array((mentions.length + 1) * regionCount);
    mentions.forEach((f, y) => f && out.set(boxRegions(regionShape, record.volume, f.boxes), y * regionCount));
    return out;
  };
  // Places and sizes that the copy path may take from the study's own text only.
  const uncopied = o.passageUncopied ? placeAndSizeTokens(tokenizer.tokens(Array.from({ length: tokenizer.vocabSize }, (_, id) => id)), Object.values(LOCATION_PHRASES).flat()) : undefined;
  const uncopiedSet = uncopied && new Set(uncopied);
  /** The decoder's examples: each study's context from the retriever (`weights`, `index`), its copy, attention and sentence targets. */
  const withContext = (records: CachedStudy[], rewordings: Rewordings | undefined, retrieval = { weights: textWeights, index }) => {
    const exs = examples(records);
    return studyContexts(retrieval.weights, text, retrieval.index, encoded, exs.map((e, i) => ({ ...e, id: records[i]!.id })), k, o.mmr).map((context, i) => {
      const e = exs[i]!;
      const summaryTokens = tokenizer.tokens(e.summaryIds);
      const mentions = findingMentions(summaryTokens, records[i]!.findings);
      const contextTokens = tokenizer.tokens(context.contextIds);
      const aligned = o.alignedCopies || o.sentenceAttention ? alignItems(summaryTokens, contextTokens, context.inputStart, rewordings) : undefined;
      return {
        features: e.features,
        ...context,
        summaryIds: e.summaryIds,
        attentionTargets: attentionTargets(mentions, records[i]!),
        copySources: copySources(e.summaryIds, context.contextIds, context.inputStart, {
          ...(o.ownTextFindings ? { ownOnly: mentions.map(Boolean) } : {}),
          ...(o.alignedCopies ? { spans: aligned } : {}),
          ...(uncopiedSet ? { passageUncopied: uncopiedSet } : {}),
        }),
        ...(o.sentenceAttention ? { sentenceTargets: [...aligned!.map((span) => (span ? sentenceIndex(contextTokens, context.inputStart, span) : -1)), -1] } : {}),
      };
    });
  };
  const corpus = o.data.kind === 'corpus';
  const tokensOf = (s: string) => tokenizer.tokens(tokenizer.encode(s));
  const inTextOrder = (records: CachedStudy[]) => {
    if (!o.tiesInTextOrder || !corpus) return records;
    const out = records.map((r) => ({ ...r, summary: tiesInTextOrder(r.summary, r.facts, r.text, tokensOf) }));
    o.log(`decoder: ${out.filter((r, i) => r.summary !== records[i]!.summary).length} of ${records.length} summaries reordered so that equally urgent findings follow the input text`);
    return out;
  };
  const withCopies = (records: CachedStudy[], log = false) => {
    const lobe = o.omittedLobeCopies && corpus ? omittedLobeCopies(records, decoderSeed) : undefined;
    const finding = o.omittedFindingCopies && corpus ? omittedFindingCopies(records, decoderSeed, o.omittedFindingTypes) : undefined;
    const out = inTextOrder([...records, ...(lobe ?? []), ...(finding ?? [])]);
    if (log && lobe) o.log(`decoder: ${lobe.length} extra training copies whose text omits a lobe`);
    if (log && finding) o.log(`decoder: ${finding.length} extra training copies whose text omits a finding`);
    return out;
  };
  const trainRecords = withCopies(train, true);
  const rewordings = o.rewordedItems ? learnRewordings(trainRecords.map((r) => ({ summary: tokensOf(r.summary), context: tokensOf(`${r.clinical}${r.text}`), inputStart: 0 }))) : undefined;
  if (rewordings) o.log(`decoder: item rewordings learnt from the training split: ${[...rewordings].map(([w, v]) => `${w}→${[...v].join('')}`).join(' ')}`);
  const trainDec = withContext(trainRecords, rewordings);
  const valDec = withContext(inTextOrder(val), rewordings);
  index.dispose();

  // Stage 3: the fusion decoder.
  const [sentenceEnd] = tokenizer.encode(SENTENCE_END);
  if (o.sentenceAttention && sentenceEnd === undefined) throw new Error(`sentence attention needs "${SENTENCE_END}" in the vocabulary, and the training texts have none`);
  const decoder: FusionDecoderConfig = {
    vocab: tokenizer.vocabSize, embed: 64, hidden: o.decoderHidden ?? 192, regionDim: featureWidth(o.image), regions: regionCount, tokenDim: 64, attention: 64,
    ...(o.filtersInKeysOnly && o.image.filterFeatures ? { keyOnlyFeatures: FILTER_COUNT } : {}),
    ...(o.detachedVisualQuery ? { detachedVisualQuery: true } : {}),
    ...(o.pointingAttention || o.pointingHeadSteps ? { pointingAttention: true } : {}),
    ...(o.pointingHeadSteps ? { pointingHead: true } : {}),
    ...(o.pointingHeadHidden ? { pointingHeadHidden: o.pointingHeadHidden } : {}),
    contextEncoder: { dilations: o.contextDilations ?? [1, 2, 4, 8], maxLength: text.maxLength },
    textFeeding: o.ablation !== 'no-text-feeding',
    ...(o.temporalAttention ? { temporalAttention: true } : {}),
    ...(o.sentenceAttention ? { sentenceAttention: { endId: sentenceEnd!, maxSentences: MAX_SENTENCES } } : {}),
    ...(o.guidedVision ? { sentenceGuidedVision: true } : {}),
    ...(o.visualOutput ? { visualOutput: true } : {}),
    ...(o.remainingSentences ? { remainingSentences: true } : {}),
    ...(o.remainingSentences && o.remainingReadAt !== undefined ? { remainingReadAt: o.remainingReadAt } : {}),
    ...(o.sentenceProduct ? { sentenceProduct: true } : {}),
    ...(uncopied ? { passageUncopied: uncopied } : {}),
    ...(o.regionLobes ? { regionLobes: { lobes: LOBES.length, table: lobeTable(train, regionShape) } } : {}),
    ...(o.ablation === 'fixed-beta' ? { fixedBeta: 0.5 } : {}),
  };
  const maxSummary = o.maxSummary ?? DEFAULT_MAX_SUMMARY;
  const cut = trainDec.filter((e) => e.summaryIds.length + 1 > maxSummary).length;
  if (cut) o.log(`decoder: ${cut} of ${trainDec.length} training summaries are longer than ${maxSummary} tokens (with EOS) and are cut before their end; --max-summary sets the length`);
  const best = async (name: string, fallback: Weights) => (await loadCheckpoint(o.out, name))?.weights ?? fallback;
  const tick3 = o.progress('decoder', o.decoderSteps);
  // A decoder finished in the run being resumed is not loaded again for nothing.
  const decoderDone = await finishedBefore('decoder', 'decoder.last', o.decoderSteps);
  /**
   * What the decoder's training and its int8-aware fine-tuning share. With a pointing head to come, they
   * train the core decoder (`coreDecoderConfig`: no pointing attention, nor the filters' maxima that only
   * its keys read), and stage 4 adds the head: nothing in stage 3 reads the head's attention, so stage 3
   * neither computes it nor keeps the features only it reads.
   */
  const decoderRun = {
    decoder: o.pointingHeadSteps ? coreDecoderConfig(decoder) : decoder, maxSummary, attentionWeight: o.attentionWeight ?? 1, ...(o.pointingAttention ? { readingAttentionWeight: o.readingAttentionWeight ?? 1 } : {}), regionDropout: o.regionDropout ?? 0, copyWeight: o.copyWeight ?? 1, coverageWeight: o.coverageWeight ?? 1, sentenceWeight: o.sentenceWeight ?? 1, ...(o.maxSummary ? { maxTokens: DECODER_BATCH * DEFAULT_MAX_SUMMARY } : {}),
    batch: DECODER_BATCH, evalEvery: o.evalEvery, patience: o.decoderPatience ?? patience, resume: o.resume === true, seed: decoderSeed, out: o.out, log: o.log,
  };
  const decoderWeights = decoderDone
    ? (await loadCheckpoint(o.out, 'decoder.best'))!.weights
    : await trainDecoder(trainDec, valDec, {
        ...decoderRun, steps: o.decoderSteps, learningRate: 0.003, learningRateFloor: 0.1, ...(o.decoderAverage === undefined ? {} : { averageDecay: o.decoderAverage }),
        onStep: (s, l) => {
          tick3(s, `loss ${l.toFixed(4)}`);
          o.onLoss?.('decoder', s, l);
        },
      });

  // Stage 3b: int8-aware fine-tuning, on every input as the exported model will compute it.
  let decoderCheckpoint = 'decoder.best';
  let int8Steps: number | undefined;
  if (int8) {
    const textInt8 = int8Rounded(textWeights);
    const float = embedTexts(textInt8, text, encoded.map((p) => p.ids));
    const retrieval = { weights: textInt8, index: int8Index(float) };
    float.dispose();
    const trainInt8 = withContext(withCopies(int8.train), rewordings, retrieval);
    const valInt8 = withContext(int8.val, rewordings, retrieval);
    tf.dispose([retrieval.index, ...Object.values(textInt8)]);
    const from = await best('decoder.best', decoderWeights);
    const tick = o.progress('int8-aware decoder', o.int8AwareSteps!);
    const tuned = await trainDecoder(trainInt8, valInt8, {
      ...decoderRun, steps: o.int8AwareSteps!, learningRate: INT8_AWARE_RATE, int8Aware: { from },
      onStep: (s, l) => {
        tick(s, `loss ${l.toFixed(4)}`);
        o.onLoss?.('int8', s, l);
      },
    });
    disposeWeights(tuned);
    if (from !== decoderWeights) disposeWeights(from);
    decoderCheckpoint = 'decoder-int8.best';
    int8Steps = (await readCheckpointState<{ step: number }>(o.out, decoderCheckpoint))?.step;
  }

  // Stage 4: the pointing head, on the frozen decoder.
  let headed: Weights | undefined;
  let headSteps: number | undefined;
  if (o.pointingHeadSteps) {
    const frozen = withPointingHead(await best(decoderCheckpoint, decoderWeights), decoder, decoderSeed);
    // A head finished in the run being resumed: its queries (two minutes) are not computed again for nothing.
    if (!(await finishedBefore('pointing head', 'pointing-head.last', o.pointingHeadSteps))) {
      const queried = o.progress("pointing head: the frozen decoder's queries", trainDec.length + valDec.length);
      let tick: ReturnType<PipelineOptions['progress']> | undefined;
      await trainPointingHead(trainDec, valDec, frozen, {
        ...decoderRun, decoder, steps: o.pointingHeadSteps, learningRate: 0.003, learningRateFloor: 0.1,
        onStep: (s, l) => {
          tick ??= o.progress('pointing head', o.pointingHeadSteps!);
          tick(s, `loss ${l.toFixed(4)}`);
          o.onLoss?.('pointing', s, l);
        },
      }, queried);
    }
    // Every run validates at its last step at least, so a best checkpoint exists unless the loss was never finite.
    const kept = await loadCheckpoint<{ step: number }>(o.out, 'pointing-head.best');
    if (!kept) throw new Error(`${o.out}: the pointing head kept no checkpoint (no finite validation loss)`);
    // The best head takes the place of the trained (or, resumed, the initialised) one.
    disposeWeights(Object.fromEntries(Object.keys(kept.weights).map((name) => [name, frozen[name]!])));
    headed = { ...frozen, ...kept.weights };
    headSteps = kept.state.step;
  }

  // Stage 5: the lesion detector, from the images alone.
  const lesions = o.lesionSteps ? await lesionStage({ ...o, lesionSteps: o.lesionSteps }) : undefined;

  const config: ModelConfig = { kind: 'retrieval', name: o.ablation ? `retrieval-${o.ablation}` : 'retrieval', image: o.image, text, retriever, decoder, k, ...(o.mmr === undefined ? {} : { mmr: o.mmr }), maxSummary, trainedOn: `${o.data.kind === 'corpus' ? `corpus seed ${o.seed}, n ${o.data.n}` : `manifest ${o.data.path}`}${o.initSeed === undefined ? '' : `, init seed ${o.initSeed}`}${o.imageSeed === undefined ? '' : `, image seed ${o.imageSeed}`}${o.decoderSeed === undefined ? '' : `, decoder seed ${o.decoderSeed}`} (train split: ${train.length})${o.decoderAverage === undefined ? '' : `, decoder weights averaged (decay ${o.decoderAverage} per step)`}${int8Steps ? `, int8-aware fine-tuning ${int8Steps} steps (its best validation)` : ''}${headSteps ? `, pointing head on the frozen decoder ${headSteps} steps (its best validation)` : ''}`, ...(lesions ? { lesions: lesions.config, lungLobes: lesions.lungLobes } : {}) };
  const imageBest = (await loadCheckpoint(o.out, 'image-encoder.best'))!.weights;
  const all: Weights = { ...imageBest, ...textWeights, ...(headed ?? (await best(decoderCheckpoint, decoderWeights))), ...(lesions?.weights ?? {}) };
  await saveCheckpoint(o.out, 'model', all, { config });
  await writeFile(join(o.out, 'config.json'), JSON.stringify(config, null, 1) + '\n');
  await writeFile(join(o.out, 'tokenizer.json'), JSON.stringify(tokenizerJson) + '\n');
  await writeFile(join(o.out, 'passages.jsonl'), toJsonl(encoded.map(({ ids: _ids, ...p }) => p)));
  return config;
}

/** P(lobe | region) from the training split; data without findings in a lobe cannot give one. */
function lobeTable(train: CachedStudy[], regionShape: [number, number, number]): number[] {
  const table = regionLobeTable(train, regionShape);
  if (!table.some((p) => p > 0)) throw new Error('--region-lobes needs training studies with findings located in a lobe, with boxes');
  return table;
}
