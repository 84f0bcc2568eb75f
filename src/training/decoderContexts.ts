/**
 * Each study's decoder context for training: its top-k passages — never its own summary or findings —
 * then its whole input text (decoderContext.ts cuts it to the encoder's length). Shared by the decoder's
 * training and its reward fine-tuning.
 */
import type * as tf from '@tensorflow/tfjs';
import { contextIds } from '../inference/decoderContext.ts';
import { diverseOrder, MMR_POOL, rowInnerProduct } from '../inference/diverseRanking.ts';
import type { TextEncoderConfig } from '../inference/models/textEncoder.ts';
import type { Weights } from '../inference/models/weights.ts';
import type { ImageFeatures } from './features.ts';
import { scorePassages } from './trainRetriever.ts';

/** `mmr`: the passages in MMR order with this λ (`diverseRanking.ts`), as the model will rank them when it summarises. */
export function studyContexts(
  textWeights: Weights,
  text: TextEncoderConfig,
  index: tf.Tensor2D,
  passages: { ids: number[]; source?: string }[],
  studies: { id: string; features: ImageFeatures; inputIds: number[] }[],
  k: number,
  mmr?: number,
): { contextIds: number[]; inputStart: number }[] {
  const rows = mmr === undefined ? undefined : rowInnerProduct(index.dataSync(), index.shape[1]);
  // 2 more ranked, so that as many remain once the study's own summary and findings passages are dropped.
  return scorePassages(textWeights, text, index, studies, (mmr === undefined ? k : MMR_POOL) + 2).map((ranked, i) => {
    const study = studies[i]!;
    const kept = ranked.ids.flatMap((p, j) => (passages[p]!.source === study.id ? [] : [{ p, score: ranked.scores[j]! }]));
    const picked = mmr === undefined ? kept.slice(0, k).map((c) => c.p) : diverseOrder(kept.map((c) => c.score), (a, b) => rows!(kept[a]!.p, kept[b]!.p), mmr, MMR_POOL, k).map((j) => kept[j]!.p);
    const context = contextIds(picked.map((p) => passages[p]!.ids), study.inputIds, text.maxLength);
    return { contextIds: context.ids, inputStart: context.inputStart };
  });
}
