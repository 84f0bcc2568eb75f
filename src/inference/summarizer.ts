/**
 * The retrieval model as one object: volume + text in, summary tokens out, each with β and its
 * attention over image regions and context tokens, plus the retrieved passages. Platform-free: Node's
 * CLI and evaluation and the browser worker load the same parts.
 */
import * as tf from '@tensorflow/tfjs';
import type { Passage } from '../corpus/passages.ts';
import { detokenize, EOS_ID, BOS_ID, loadTokenizer, type TuwenTokenizer } from '../text/tokenizer.ts';
import { attendedSentence } from '../text/sentences.ts';
import { decode, fusionStepper, keepAllowed, type DecodeOptions, type StepState, type Stepper, type TokenRecord } from './decode.ts';
import { ensembleStepper } from './ensembleStepper.ts';
import { decoderMembers } from './models/decoderEnsemble.ts';
import { attendedSentenceSpans, contextSegments, disposeContext, prepareContext, salientSentences, sentenceMembership, type FusionDecoderConfig } from './models/fusionDecoder.ts';
import { regionGrid, type ImageEncoderConfig } from './models/imageEncoder.ts';
import { embedTexts, queryVector, type RetrieverConfig } from './models/retriever.ts';
import { encodeText, type TextEncoderConfig } from './models/textEncoder.ts';
import { countParams, disposeWeights, type Weights } from './models/weights.ts';
import type { Grid } from './preprocess.ts';
import type { GenerativeModelConfig } from './generativeSummarizer.ts';
import { studyRegions } from './studyRegions.ts';
import { diverseOrder, MMR_POOL, rowInnerProduct } from './diverseRanking.ts';
import { padBatch } from './textBatch.ts';
import { contextIds, inputWithSentences } from './decoderContext.ts';
import { allowedAfter, bracketGrammar, type BracketGrammar } from './bracketConstraint.ts';
import { endsWithNumber, itemNumbering, itemsOwed, renumbered, type ItemNumbering } from './itemNumberConstraint.ts';
import { weighedByPointing, type RegionLobeTable } from './pointedLobeConstraint.ts';
import { weighedByFindings, weighedByLesions } from './lesionLobeConstraint.ts';
import { unwrittenFindings, unwrittenFindingsOf, type DescribedFinding } from './unwrittenFindings.ts';
import { imagedSentence, omittedEmphysema } from './omittedEmphysema.ts';
import { namedFindings, textMatchedScores } from './textMatchedRanking.ts';
import { describedFinding, findingDescribed } from '../corpus/factExtractor.ts';
import { filterMaps } from './filterMaxima.ts';
import type { LungLobeTable } from './lesions/lungLobes.ts';
import { studyLesions, type StudyLesions } from './lesions/regionLesions.ts';
import type { LesionClassifierConfig } from './models/lesionClassifier.ts';
import { namedPlaces, placedAsText, placeTokens, sentencePlaces, type PlaceTokens } from './textPlaceConstraint.ts';
import { countedAsText, countTokens, itemCounts, statedCounts, type CountTokens } from './countConstraint.ts';

/** The retrieval model's configuration (config.json of a retrieval model directory). */
export interface ModelConfig {
  kind: 'retrieval';
  name: string;
  image: ImageEncoderConfig;
  text: TextEncoderConfig;
  retriever: RetrieverConfig;
  decoder: FusionDecoderConfig;
  /** Passages retrieved per study into the decoder's context. */
  k: number;
  maxSummary: number;
  trainedOn: string;
  /** Set when the decoder was fine-tuned with paper B's reward r = α·d + (1 − α)·e. */
  reward?: { alpha: number; evaluator: 'cider-d' | 'facts'; steps: number };
  /** λ of the MMR order of passages the decoder was trained with (`diverseRanking.ts`), and summarises with unless told; absent: by score alone. */
  mmr?: number;
  /** Set when further decoders decode with this one (`tuwen ensemble`): each one's training, as its trainedOn says. */
  ensemble?: string[];
  /** The lesion detector's classifier (`lesion.*` weights), when the run trained one (`--lesion-steps`). */
  lesions?: LesionClassifierConfig;
  /** P(lobe | side, position within the lung), counted on the lesion detector's training studies, which `lesionLobes` reads its peaks through. */
  lungLobes?: LungLobeTable;
}

export interface SummarizeInput {
  /** Modality values (HU for CT), depth × height × width (grey). */
  modality: Float32Array;
  grid: Grid;
  text: string;
}

export interface SummarizeOptions {
  beamSize: number;
  lengthPenalty: number;
  k?: number;
  /**
   * Rank the retrieved passages by maximal marginal relevance with this λ (`diverseRanking.ts`; 1: by score
   * alone): the decoder's k passages and the ones shown after them are then fewer near copies. Default: the
   * model's own (`ModelConfig.mmr`), as its decoder was trained.
   */
  mmr?: number;
  /** Each passage's score gains λ for every finding the input text names that it holds, before ranking (`textMatchedRanking.ts`); absent: the retriever's score alone. */
  textMatch?: number;
  maxLength?: number;
  /**
   * Keep brackets well formed as the reference passages do (`bracketConstraint.ts`); retrieval model and
   * beam search only: greedy decoding would have to close a bracket it passed a token earlier, and instead
   * writes filler inside it (docs/experiments.md, "Balanced brackets").
   */
  balancedBrackets?: boolean;
  /** Once a summary numbers its first item "1、", number the later ones in sequence (`itemNumberConstraint.ts`); greedy or beam. */
  sequentialItems?: boolean;
  /**
   * With `sequentialItems`: a numbered summary does not end before it has an item for each input sentence
   * the model rates salient (its `remainingSentences` salience over 0.5) or that describes a finding in the
   * findings text's words (`findingDescribed`); models without the salience are unaffected. And an
   * item's side and level are those of a finding no earlier item wrote (`unwrittenFindings.ts`; the first
   * item's too, where every finding sentence names its place).
   */
  salientItems?: boolean;
  /**
   * An item's side and lobe are those of the input sentence it restates (its sentence attention's peak),
   * where that sentence names one (`textPlaceConstraint.ts`); retrieval model with sentence attention only.
   */
  textPlaces?: boolean;
  /**
   * An item's side and lobe are among those the input text names, where every sentence that describes a
   * finding (rated salient, or giving a size) names one (`namedPlaces`); retrieval model with sentence
   * attention only.
   */
  namedPlaces?: boolean;
  /**
   * Where the input sentence an item restates (its sentence attention's peak) names no place, the item's
   * side and level are weighed by its pointing attention's mass on each lobe (`pointedLobeConstraint.ts`);
   * retrieval model with sentence attention and `regionLobes` only.
   */
  pointedLobes?: boolean;
  /**
   * The same weighing, by the lobes at the place within its lung where the lesion detector finds the
   * sentence's finding type on its side, in place of the pointing attention (`lesionLobeConstraint.ts`); a
   * retrieval model with sentence attention, the detector (`lesions`) and its lobe table (`lungLobes`) only.
   * Not with `pointedLobes`.
   */
  lesionLobes?: boolean;
  /**
   * A count (共N枚) only with a number of two or more the input text states: the restated sentence's (the
   * sentence attention's peak) where it counts, else the whole text's (`countConstraint.ts`); greedy or beam.
   */
  statedCounts?: boolean;
  /** Called once the passages are retrieved, before the first token, with the time so far. */
  onRetrieved?: (context: SummaryContext, timings: Pick<SummaryTimings, 'encode' | 'retrieve'>) => void;
  /** Called with each final token (streamed while greedy decoding runs). */
  onToken?: (token: SummaryToken, index: number) => void;
  /** Beam search: called after each decoding step with the steps done (its tokens come at the end). */
  onStep?: (steps: number) => void;
  signal?: AbortSignal;
}

/** Milliseconds spent per stage of one summary. */
export interface SummaryTimings {
  encode: number;
  retrieve: number;
  decode: number;
  tokens: number;
}

export interface SummaryToken extends TokenRecord {
  text: string;
}

export interface SummaryContext {
  /** At least 10 passages, best first (by score, or in MMR order: `SummarizeOptions.mmr`); the first k are in the decoder's context. */
  passages: { passage: Passage; score: number }[];
  k: number;
  /** The context tokens the text attention is over: the k passages' tokens, then the input text's. */
  contextTokens: string[];
  /** How many context tokens each of the k passages contributes (the input text's follow). */
  passageTokenCounts: number[];
  /** How many sentences at the end of the input's tokens are findings read from the image (`imagedSentence`), not the text's. */
  imagedSentences: number;
  /** Shape of each token's visual attention: region slices × rows × columns. */
  regionShape: [number, number, number];
}

export interface SummaryResult extends SummaryContext {
  tokens: SummaryToken[];
  summary: string;
  timings: SummaryTimings;
  /** Findings the text leaves out that the decoding read from the image (`omittedEmphysema`) and the summary writes. */
  imaged: readonly DescribedFinding[];
}

/** The grammars a model's tokenizer and passages give the decoding constraints, and its P(lobe | region) (`pointedLobes`); any may be missing. */
export interface DecodingGrammars {
  brackets?: BracketGrammar;
  items?: ItemNumbering;
  places?: PlaceTokens;
  counts?: CountTokens;
  /** Token strings by id. */
  vocab?: readonly string[];
  regionLobes?: RegionLobeTable;
}

/** What the constraints know of the study being summarised. */
export interface StudyHints {
  /** Which input sentences the model rates salient, in the order of the sentence attention (none for a model that does not rate them). */
  salient?: readonly boolean[];
  /** The input sentences' texts, in the same order. */
  sentences?: readonly string[];
  /** With `lesionLobes`: the lesion detector's candidates, their class probabilities and the study's lungs (`studyLesions`), and the lobe table to read them through. */
  lesions?: { study: StudyLesions; table: LungLobeTable };
  /** With `salientItems` too: findings read from the image that the sentences leave out (`omittedEmphysema`). */
  imaged?: readonly DescribedFinding[];
  /** The input text (`statedCounts` reads the counts it states). */
  text?: string;
}

/** The grammars of a tokenizer, and of the reference passages' token ids (brackets); none for a model without passages. */
export function decodingGrammars(tokenizer: TuwenTokenizer, passageIds?: readonly (readonly number[])[]): DecodingGrammars {
  const encode = (text: string) => tokenizer.encode(text);
  const brackets = passageIds && bracketGrammar(encode, passageIds);
  const vocab = tokenizer.tokens(Array.from({ length: tokenizer.vocabSize }, (_, id) => id));
  const items = itemNumbering(encode, vocab);
  const places = placeTokens(vocab);
  const counts = countTokens(encode, vocab);
  return { vocab, ...(brackets ? { brackets } : {}), ...(items ? { items } : {}), ...(places ? { places } : {}), ...(counts ? { counts } : {}) };
}

/** The options' constraints as one reshaping of the next-token probabilities, or undefined when none applies. */
function constraints(options: SummarizeOptions, { brackets, items, places, counts, vocab, regionLobes }: DecodingGrammars, { salient = [], sentences = [], lesions, imaged = [], text }: StudyHints): DecodeOptions['constrain'] {
  // A text that describes no finding says the lungs are normal, which a finding read from the image
  // contradicts: its salient sentence (the normal-lungs one a normal summary restates) owes no item then.
  const textItems = imaged.length && !sentences.some((s) => findingDescribed(s) !== undefined) ? 0 : itemsOwed(salient, sentences);
  const owed = textItems + imaged.length;
  const atLeast = options.salientItems && owed > 1 ? owed : undefined;
  const named = options.namedPlaces ? namedPlaces(sentences, salient) : [];
  const placesOf = options.textPlaces || options.pointedLobes || options.lesionLobes ? sentencePlaces(sentences) : [];
  const restated = (attended: { sentenceAttention?: Float32Array }) => attendedSentence(attended.sentenceAttention, placesOf.length);
  // Each sentence's finding, read once rather than at every step (the lesion weighing compares it with those left).
  const describedOf = options.lesionLobes ? sentences.map(describedFinding) : [];
  // Where the restated sentence names no place, its item's lobe is weighed by the lesion detector when the study has its maxima, else by the pointing attention.
  const detected = options.lesionLobes ? lesions : undefined;
  const numberStart = atLeast && items ? items.marker(1)[0] : undefined;
  const unwritten = options.salientItems && places && vocab && (sentences.length || imaged.length) ? unwrittenFindings(places, vocab, sentences, imaged, numberStart) : undefined;
  const stated = options.statedCounts && text !== undefined ? statedCounts(text) : undefined;
  // Each sentence's numbers an item restating it may count, read once rather than at every step.
  const sentenceCounts = stated && sentences.map((s) => itemCounts(stated, s));
  type Rule = NonNullable<DecodeOptions['constrain']>;
  const rules = [
    options.balancedBrackets && options.beamSize > 1 && brackets ? ((prefix, probs) => keepAllowed(probs, allowedAfter(brackets, prefix))) satisfies Rule : undefined,
    options.sequentialItems && items ? ((prefix, probs) => renumbered(items, prefix, probs, atLeast)) satisfies Rule : undefined,
    // Asked for an item more, the decoder must not fill it with one it has written.
    unwritten ? ((prefix, probs) => unwritten.constrain(prefix, probs)) satisfies Rule : undefined,
    options.textPlaces && places ? ((prefix, probs, attended) => placedAsText(places, prefix, probs, [placesOf[restated(attended)]].filter((p) => p !== undefined))) satisfies Rule : undefined,
    places && (detected || (options.pointedLobes && regionLobes))
      ? ((prefix, probs, attended) => {
          // An item kept to a finding the text places: the image has nothing to add.
          if (unwritten?.places(prefix)) return probs;
          const k = restated(attended);
          const [sentence, namesPlace] = [sentences[k], placesOf[k] !== undefined];
          // With an unplaced finding left to write (the placed ones alone are kept to their places above), an item
          // whose sentence describes none of those left (one written, or no finding) may be writing any of them.
          const left = unwritten?.findings(prefix) ?? [];
          const finding = describedOf[k];
          const restatesLeft = finding !== undefined && left.some((f) => f.type === finding.type && f.place === finding.place);
          const itemStart = items !== undefined && endsWithNumber(items, prefix);
          if (detected && left.length && !restatesLeft) return weighedByFindings(places, prefix, probs, left, detected.study, detected.table, sentences, itemStart);
          return detected
            ? weighedByLesions(places, prefix, probs, sentence, namesPlace, detected.study, detected.table, sentences, itemStart)
            : weighedByPointing(places, prefix, probs, sentence, namesPlace, attended.visualAttention!, regionLobes!);
        }) satisfies Rule
      : undefined,
    places && named.length ? ((prefix, probs) => placedAsText(places, prefix, probs, named)) satisfies Rule : undefined,
    counts && stated && sentenceCounts ? ((prefix, probs, attended) => countedAsText(counts, prefix, probs, sentenceCounts[attendedSentence(attended.sentenceAttention, sentences.length)] ?? stated, stated)) satisfies Rule : undefined,
  ].filter((rule) => rule !== undefined);
  return rules.length ? (prefix, probs, attended) => rules.reduce((p, rule) => rule(prefix, p, attended), probs) : undefined;
}

/** Decodes with the options' settings: the tokens with their text (each also streamed to onToken), and the summary. */
export async function decodeSummary<S extends StepState>(stepper: Stepper<S>, tokenizer: TuwenTokenizer, options: SummarizeOptions, maxLength: number, grammars: DecodingGrammars, study: StudyHints = {}): Promise<{ tokens: SummaryToken[]; summary: string }> {
  const constrain = constraints(options, grammars, study);
  const records = await decode(stepper, {
    bos: BOS_ID, eos: EOS_ID, maxLength, beamSize: options.beamSize, lengthPenalty: options.lengthPenalty,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onStep ? { onStep: options.onStep } : {}),
    ...(constrain ? { constrain } : {}),
    onToken: (r, i) => options.onToken?.({ ...r, text: tokenizer.tokens([r.id])[0]! }, i),
  });
  const texts = tokenizer.tokens(records.map((r) => r.id));
  return { tokens: records.map((r, i) => ({ ...r, text: texts[i]! })), summary: detokenize(texts) };
}

/** What the page, the CLI and the evaluation need of either model. */
export interface Summarizer {
  config: ModelConfig | GenerativeModelConfig;
  /** Learned parameters. */
  params: number;
  summarize(input: SummarizeInput, options: SummarizeOptions): Promise<SummaryResult>;
  dispose(): void;
}

/**
 * `index`: the passages' unit vectors as exported (int8, dequantised); without it they are computed
 * from the passages' texts with the model's own text encoder. A weight map with several decoders
 * (`decoderEnsemble.ts`) decodes with their mean distribution.
 */
export function createSummarizer(config: ModelConfig, weights: Weights, tokenizerJson: object, passages: Passage[], index?: { vectors: Float32Array; dim: number }): Summarizer {
  // v56–v57 exported a perceptron detector (no `stem`); its weights do not fit today's classifier.
  if (config.lesions && (!config.lesions.stem || !config.lungLobes)) throw new Error(`this model's lesion detector is from Tuwen v58 or before (${config.lesions.stem ? 'no lobe table for its peaks' : 'a perceptron'}), which this version no longer runs: train the detector again with tuwen train --stage lesions --lesion-steps 6000 --out DIR (the model's other weights stay as they are), then tuwen export`);
  const tokenizer: TuwenTokenizer = loadTokenizer(tokenizerJson);
  const passageIds = passages.map((p) => tokenizer.encode(p.text));
  const grammars: DecodingGrammars = { ...decodingGrammars(tokenizer, passageIds), ...(config.decoder.regionLobes ? { regionLobes: config.decoder.regionLobes } : {}) };
  const passageIndex = index ? tf.tensor2d(index.vectors, [passages.length, index.dim]) : embedTexts(weights, config.text, passageIds);

  const region = regionGrid(config.image);
  /** The passages' similarities to each other (MMR), from the index read once, when first needed. */
  let similarity: ((a: number, b: number) => number) | undefined;
  const decoders = decoderMembers(weights);

  async function summarize(input: SummarizeInput, options: SummarizeOptions): Promise<SummaryResult> {
    if (options.lesionLobes && !config.lesions) throw new Error('weighing lobes by the lesion detector needs a model with one: train it with --lesion-steps N, or add it to a finished run with tuwen train --stage lesions');
    const k = options.k ?? config.k;
    const started = performance.now();
    const detector = options.lesionLobes === true && config.lesions !== undefined;
    // The fixed filters' responses, worked out once where both the region features and the detector read them.
    const maps = config.image.filterFeatures || detector ? filterMaps(input.modality, input.grid, config.image.grid) : undefined;
    const lesions = detector && maps ? { study: await studyLesions(weights, input.modality, input.grid, maps), table: config.lungLobes! } : undefined;
    // Emphysema the text leaves out, where its low-attenuation areas show it: a findings sentence after the
    // text, which the retriever and the decoder read, and an item more, spelled as it.
    const imaged = options.salientItems && lesions && grammars.places && grammars.vocab ? omittedEmphysema(lesions.study, lesions.table, namedFindings(input.text)) : [];
    const read = inputWithSentences((text) => tokenizer.encode(text), input.text, imaged.map(imagedSentence), config.text.maxLength);
    const { regions, query } = tf.tidy(() => {
      const flat = studyRegions(weights, config.image, input, maps); // [1, R, C]
      const { ids, mask } = padBatch([read.ids], config.text.maxLength);
      const query = queryVector(weights, tf.mean(flat, 1) as tf.Tensor2D, encodeText(weights, config.text, ids, mask).pooled);
      return { regions: flat, query: tf.squeeze(query, [0]) as tf.Tensor1D };
    });
    const scoresTensor = tf.tidy(() => tf.squeeze(tf.matMul(passageIndex, tf.expandDims(query, 1)), [1]));
    const retrieverScores = (await scoresTensor.data()) as Float32Array;
    const scores = options.textMatch === undefined ? retrieverScores : textMatchedScores(retrieverScores, passages, namedFindings(input.text), options.textMatch);
    const encoded = performance.now();
    tf.dispose([query, scoresTensor]);
    const shown = Math.max(k, 10);
    let ranked: number[];
    const mmr = options.mmr ?? config.mmr;
    if (mmr === undefined) ranked = Array.from(scores.keys()).sort((a, b) => scores[b]! - scores[a]!).slice(0, shown);
    else {
      similarity ??= rowInnerProduct(await passageIndex.data(), passageIndex.shape[1]);
      ranked = diverseOrder(scores, similarity, mmr, MMR_POOL, shown);
    }
    const picked = ranked.slice(0, k);
    const context = contextIds(picked.map((p) => passageIds[p]!), read.ids, config.text.maxLength);
    const summaryContext: SummaryContext = {
      passages: ranked.map((p) => ({ passage: passages[p]!, score: scores[p]! })),
      k,
      contextTokens: tokenizer.tokens(context.ids),
      passageTokenCounts: context.passageCounts,
      imagedSentences: imaged.length,
      regionShape: [region.depth, region.height, region.width],
    };
    const retrieved = performance.now();
    options.onRetrieved?.(summaryContext, { encode: encoded - started, retrieve: retrieved - encoded });
    const { ids, mask } = padBatch([context.ids], config.text.maxLength);
    const segments = contextSegments([context.inputStart], ids.shape[1]);
    const sentences = config.decoder.sentenceAttention;
    const members = sentences ? sentenceMembership([{ ids: context.ids, inputStart: context.inputStart }], ids.shape[1], sentences) : undefined;
    const contexts = decoders.map((w) => prepareContext(w, regions, ids, mask, segments, config.decoder, members));
    // The constraints read the text's own sentences: those after it are the image-read findings' (`imaged`), counted as such.
    const spans = sentences ? attendedSentenceSpans(context, ids.shape[1], sentences) : [];
    const own = spans.filter(([from]) => from < context.inputStart + read.textLength).length;
    const sentenceTexts = (options.salientItems || options.textPlaces || options.namedPlaces || options.pointedLobes || options.lesionLobes || options.statedCounts) && sentences ? spans.slice(0, own).map(([from, to]) => detokenize(tokenizer.tokens(context.ids.slice(from, to)))) : undefined;
    try {
      const stepper = ensembleStepper(decoders.map((w, i) => fusionStepper(w, contexts[i]!)));
      const study: StudyHints = { salient: options.salientItems || options.namedPlaces ? (await salientSentences(...contexts)).slice(0, own) : [], ...(sentenceTexts ? { sentences: sentenceTexts } : {}), ...(lesions ? { lesions } : {}), imaged, text: input.text };
      const decoded = await decodeSummary(stepper, tokenizer, options, options.maxLength ?? config.maxSummary, grammars, study);
      return {
        ...summaryContext,
        ...decoded,
        // Only those the summary writes: one the length limit cuts off is not named.
        imaged: imaged.filter((f) => !unwrittenFindingsOf([], decoded.summary, [f]).length),
        timings: { encode: encoded - started, retrieve: retrieved - encoded, decode: performance.now() - retrieved, tokens: decoded.tokens.length },
      };
    } finally {
      contexts.forEach(disposeContext);
      tf.dispose([regions, segments, ids, mask, ...(members ? [members] : [])]);
    }
  }

  return {
    config,
    params: countParams(weights),
    summarize,
    dispose() {
      passageIndex.dispose();
      disposeWeights(weights);
    },
  };
}
