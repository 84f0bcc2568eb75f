/**
 * Each study's decoder context for training: its top-k passages — never its own summary or findings —
 * then its whole input text (decoderContext.ts cuts it to the encoder's length). Shared by the decoder's
 * training and its reward fine-tuning.
 */
import type * as tf from '@tensorflow/tfjs';
import { contextIds } from '../inference/decoderContext.ts';
import type { TextEncoderConfig } from '../inference/models/textEncoder.ts';
import type { Weights } from '../inference/models/weights.ts';
import type { ImageFeatures } from './features.ts';
import { rankPassages } from './trainRetriever.ts';

export function studyContexts(
  textWeights: Weights,
  text: TextEncoderConfig,
  index: tf.Tensor2D,
  passages: { ids: number[]; source?: string }[],
  studies: { id: string; features: ImageFeatures; inputIds: number[] }[],
  k: number,
): { contextIds: number[]; inputStart: number }[] {
  // k + 2 ranked, so that k remain once the study's own summary and findings passages are dropped.
  return rankPassages(textWeights, text, index, studies, k + 2).map((ranked, i) => {
    const study = studies[i]!;
    const picked = ranked.filter((p) => passages[p]!.source !== study.id).slice(0, k);
    const context = contextIds(picked.map((p) => passages[p]!.ids), study.inputIds, text.maxLength);
    return { contextIds: context.ids, inputStart: context.inputStart };
  });
}
