/**
 * Scores a model's predictions on a test set: caption metrics (characters and jieba words), clinical
 * fact scores, lobe accuracy where the text omitted the lobe, retrieval, each with a bootstrap 95 % CI.
 */
import { extractFacts } from '../corpus/factExtractor.ts';
import type { Prediction } from '../baselines/baselines.ts';
import { bleuFromStats, bleuStats } from './bleu.ts';
import { bootstrap, mean, type Interval } from './bootstrap.ts';
import { ciderD, documentFrequencies, type DocumentFrequencies } from './ciderD.ts';
import { atomCounts, factScores, factScoresByFindingCount, factScoresByGroup, lobeCorrect, type AtomKind, type Prf } from './factScores.ts';
import { diversity, type Diversity } from './diversity.ts';
import { meteor } from './meteor.ts';
import { firstRelevantRank, meanReciprocalRank, recallAt } from './retrievalScores.ts';
import { rougeL } from './rouge.ts';
import type { EvalItem } from './testSet.ts';
import type { ItemScore } from './paired.ts';

export interface CaptionScores {
  bleu1: Interval;
  bleu2: Interval;
  bleu3: Interval;
  bleu4: Interval;
  meteor: Interval;
  rougeL: Interval;
  ciderD: Interval;
}

export interface Scores {
  n: number;
  chars: CaptionScores;
  jieba: CaptionScores;
  factF1: Interval;
  factPrecision: Interval;
  factRecall: Interval;
  perKind: Record<AtomKind, Prf>;
  /** Fact scores by the number of findings in the reference ("0", "1", "2", "3+"); absent in results stored before it existed. */
  byFindingCount?: Record<string, Prf & { n: number }>;
  /**
   * Fact scores by what the study's text leaves out ("none", "lobe", "size", "finding"; data without
   * omissions: all "none"): a finding the text omits can only come from the image. Absent in results stored before it existed.
   */
  byOmission?: Record<string, Prf & { n: number }>;
  lobeAccImageOnly: (Interval & { n: number }) | null;
  recallAt1: Interval | null;
  recallAt5: Interval | null;
  recallAt10: Interval | null;
  mrr: Interval | null;
  /** Filled in by models with attention (the pointing game needs it). */
  pointingGame: (Interval & { n: number }) | null;
  /** Of the predictions and, for comparison, of the references (characters). */
  diversity: { predictions: Diversity; references: Diversity };
  /** Per study, for paired comparisons (`paired.ts`); absent in results stored before it existed. */
  items?: ItemScore[];
}

/** The caption metrics with intervals, and each item's CIDEr-D (whose mean is the corpus score). */
export function captionScores(hyps: string[][], refs: string[][], freq?: DocumentFrequencies): { scores: CaptionScores; ciderD: number[] } {
  const items = hyps.map((hyp, i) => ({ hyp, refs: [refs[i]!] }));
  const stats = items.map((it) => bleuStats(it.hyp, it.refs));
  const indices = items.map((_, i) => i);
  const b = (k: number) => bootstrap(indices, (s) => bleuFromStats(s.map((i) => stats[i]!))[k]!);
  const cider = ciderD(items, freq ?? documentFrequencies(items.map((i) => i.refs))).perItem;
  const rouge = items.map((it) => rougeL(it.hyp, it.refs));
  const met = items.map((it) => meteor(it.hyp, it.refs));
  const m = (xs: number[]) => bootstrap(indices, (s) => mean(s.map((i) => xs[i]!)));
  return { scores: { bleu1: b(0), bleu2: b(1), bleu3: b(2), bleu4: b(3), meteor: m(met), rougeL: m(rouge), ciderD: m(cider) }, ciderD: cider };
}

export function evaluate(items: EvalItem[], predictions: Prediction[], tokenize: { chars: (s: string) => string[]; jieba: (s: string) => string[] }): Scores {
  const refsChars = items.map((it) => tokenize.chars(it.summary));
  const refsJieba = items.map((it) => tokenize.jieba(it.summary));
  const indices = items.map((_, i) => i);
  const counts = items.map((it, i) => atomCounts(extractFacts(predictions[i]!.summary), it.facts));
  const findingCounts = items.map((it) => it.facts.filter((f) => f.finding !== 'normal').length);
  const facts = (pick: (p: Prf) => number) => bootstrap(indices, (s) => pick(factScores(s.map((i) => counts[i]!)).all));

  const lobeItems = items.flatMap((it, i) => {
    const om = it.omission;
    if (om?.what !== 'lobe' || !it.findings) return [];
    const f = it.findings[om.finding]!;
    return [lobeCorrect(extractFacts(predictions[i]!.summary), { finding: f.type, location: f.location }) ? 1 : 0];
  });
  const ranks = items.flatMap((it, i) => (predictions[i]!.ranked ? [firstRelevantRank(predictions[i]!.ranked!, it.facts)] : []));
  const retrieval = (score: (r: number[]) => number) => (ranks.length === items.length ? bootstrap(ranks, (s) => score([...s])) : null);
  const chars = captionScores(predictions.map((p) => tokenize.chars(p.summary)), refsChars);

  return {
    n: items.length,
    chars: chars.scores,
    jieba: captionScores(predictions.map((p) => tokenize.jieba(p.summary)), refsJieba).scores,
    factF1: facts((p) => p.f1),
    factPrecision: facts((p) => p.precision),
    factRecall: facts((p) => p.recall),
    perKind: (({ all: _all, ...kinds }) => kinds)(factScores(counts)),
    byFindingCount: factScoresByFindingCount(counts, findingCounts),
    byOmission: factScoresByGroup(counts, items.map((it) => it.omission?.what ?? 'none')),
    lobeAccImageOnly: lobeItems.length ? { ...bootstrap(lobeItems, mean), n: lobeItems.length } : null,
    recallAt1: retrieval((r) => recallAt(r, 1)),
    recallAt5: retrieval((r) => recallAt(r, 5)),
    recallAt10: retrieval((r) => recallAt(r, 10)),
    mrr: retrieval(meanReciprocalRank),
    pointingGame: pointingScore(predictions),
    diversity: { predictions: diversity(predictions.map((p) => tokenize.chars(p.summary))), references: diversity(refsChars) },
    items: items.map((it, i) => ({ id: it.id, summary: predictions[i]!.summary, ciderD: chars.ciderD[i]!, facts: counts[i]!, findings: findingCounts[i]! })),
  };
}

/** Hit rate over all pointing trials, the bootstrap resampling studies (their trials stay together). */
function pointingScore(predictions: Prediction[]): (Interval & { n: number }) | null {
  const perItem = predictions.filter((p) => p.pointing && p.pointing.length > 0).map((p) => p.pointing!);
  if (perItem.length === 0) return null;
  const rate = (items: readonly boolean[][]) => {
    const all = items.flat();
    return all.length ? all.filter(Boolean).length / all.length : Number.NaN;
  };
  return { ...bootstrap(perItem, rate), n: perItem.flat().length };
}

/** The one-line JSON `tuwen eval --json` ends with: point values, null where a score does not apply. */
export function headline(s: Scores): Record<string, number | null> {
  return {
    factF1: s.factF1.value,
    lobeAccImageOnly: s.lobeAccImageOnly?.value ?? null,
    pointingGame: s.pointingGame?.value ?? null,
    recallAt5: s.recallAt5?.value ?? null,
    bleu1: s.chars.bleu1.value,
    bleu2: s.chars.bleu2.value,
    bleu3: s.chars.bleu3.value,
    bleu4: s.chars.bleu4.value,
    meteor: s.chars.meteor.value,
    rougeL: s.chars.rougeL.value,
    ciderD: s.chars.ciderD.value,
    distinct1: s.diversity.predictions.distinct1,
    distinct2: s.diversity.predictions.distinct2,
    seqRep4: s.diversity.predictions.seqRep4,
  };
}
