/**
 * The generative model (LFMGAN's generator) as a Summarizer: volume + text in, summary tokens out, each
 * with the generator's cross-attention over the image regions and over the input text. No passages are
 * retrieved (k = 0) and there is no fusion gate (β is null). Platform-free, like the retrieval summarizer.
 */
import * as tf from '@tensorflow/tfjs';
import { loadTokenizer } from '../text/tokenizer.ts';
import { disposeMemory, generatorMemory, generatorStepper, type GeneratorConfig } from './models/generator.ts';
import { regionGrid, type ImageEncoderConfig } from './models/imageEncoder.ts';
import { countParams, disposeWeights, type Weights } from './models/weights.ts';
import { padBatch } from './textBatch.ts';
import { studyRegions } from './studyRegions.ts';
import { decodeSummary, decodingGrammars, type SummarizeInput, type SummarizeOptions, type Summarizer, type SummaryContext, type SummaryResult } from './summarizer.ts';

export interface GenerativeModelConfig {
  kind: 'generative';
  /** "lfmgan" (adversarially trained) or "lfmgan-mle". */
  name: string;
  image: ImageEncoderConfig;
  generator: GeneratorConfig;
  maxSummary: number;
  trainedOn: string;
  /** How it was trained: stages and the reward mix s. */
  training: { mleSteps: number; adversarialSteps: number; s?: number; samples?: number; mleWeight?: number; policyWeight?: number };
}

export function createGenerativeSummarizer(config: GenerativeModelConfig, weights: Weights, tokenizerJson: object): Summarizer {
  const tokenizer = loadTokenizer(tokenizerJson);
  const grammars = decodingGrammars(tokenizer);
  const region = regionGrid(config.image);
  const c = config.generator;

  async function summarize(input: SummarizeInput, options: SummarizeOptions): Promise<SummaryResult> {
    const started = performance.now();
    const inputIds = tokenizer.encode(input.text).slice(0, c.maxText);
    const text = padBatch([inputIds], c.maxText);
    const regions = studyRegions(weights, config.image, input);
    const memory = generatorMemory(weights, c, regions, text.ids, text.mask);
    tf.dispose([regions, text.ids, text.mask]);
    const encoded = performance.now();
    const context: SummaryContext = { passages: [], k: 0, contextTokens: tokenizer.tokens(inputIds), passageTokenCounts: [], imagedSentences: 0, regionShape: [region.depth, region.height, region.width] };
    options.onRetrieved?.(context, { encode: encoded - started, retrieve: 0 });
    try {
      // No longer than the generator's position table (BOS takes the first position).
      const decoded = await decodeSummary(generatorStepper(weights, c, memory), tokenizer, options, Math.min(options.maxLength ?? config.maxSummary, c.maxSummary - 1), grammars, { text: input.text });
      return { ...context, ...decoded, imaged: [], timings: { encode: encoded - started, retrieve: 0, decode: performance.now() - encoded, tokens: decoded.tokens.length } };
    } finally {
      disposeMemory(memory);
    }
  }

  return { config, params: countParams(weights), summarize, dispose: () => disposeWeights(weights) };
}
