/** Metric edge cases, METEOR, fact scores, pointing game, retrieval and bootstrap on hand-computed values. */
import { describe, expect, it } from 'vitest';
import { bleu } from '../../src/eval/bleu.ts';
import { bootstrap, mean } from '../../src/eval/bootstrap.ts';
import { ciderD, documentFrequencies } from '../../src/eval/ciderD.ts';
import { atomCounts, factScores, factScoresByFindingCount, factScoresByGroup, lobeCorrect } from '../../src/eval/factScores.ts';
import { align, meteor, meteorSingle } from '../../src/eval/meteor.ts';
import { boxRegions, peakRegion, regionHits } from '../../src/eval/pointing.ts';
import { firstRelevantRank, meanReciprocalRank, recallAt } from '../../src/eval/retrievalScores.ts';
import { lcsLength, rougeL } from '../../src/eval/rouge.ts';
import { charTokens } from '../../src/eval/tokenize.ts';
import { textOnlyFacts } from '../../src/eval/textCeiling.ts';
import type { FindingTruth } from '../../src/corpus/schema.ts';

const t = (s: string) => s.split(' ');

describe('caption metric edge cases', () => {
  it('empty hypothesis: every score is 0', () => {
    const items = [{ hyp: [], refs: [t('a b c')] }];
    expect(bleu(items).corpus.every((v) => v < 1e-12)).toBe(true);
    expect(rougeL([], [t('a b c')])).toBe(0);
    expect(ciderD(items, documentFrequencies([[t('a b c')], [t('d e')]])).corpus).toBe(0);
    expect(meteor([], [t('a b c')])).toBe(0);
  });
  it('hypothesis longer than every reference: no brevity penalty, clipped precision', () => {
    // 3 of 6 unigrams match, 2 of 5 bigrams, 1 of 4 trigrams, 0 of 3 4-grams.
    const [b1, b2, b3] = bleu([{ hyp: t('a b c x y z'), refs: [t('a b c'), t('a b')] }]).corpus;
    expect(b1).toBeCloseTo(0.5, 9);
    expect(b2).toBeCloseTo(Math.sqrt(0.5 * 0.4), 9);
    expect(b3).toBeCloseTo(Math.cbrt(0.5 * 0.4 * 0.25), 9);
  });
  it('one reference, identical strings: BLEU 1, ROUGE-L 1, METEOR 1 − γ/m³', () => {
    const s = t('右 肺 上 叶 结 节');
    expect(bleu([{ hyp: s, refs: [s] }]).corpus.map((v) => +v.toFixed(9))).toEqual([1, 1, 1, 1]);
    expect(rougeL(s, [s])).toBeCloseTo(1, 12);
    // One chunk of 6 matches: penalty 0.5 · (1/6)³.
    expect(meteorSingle(s, s)).toBeCloseTo(1 - 0.5 / 216, 12);
  });
  it('a set of one item: CIDEr-D is 0 with its own frequencies (log 1 = 0), 10 with a corpus’s', () => {
    const s = t('a b c d e');
    expect(ciderD([{ hyp: s, refs: [s] }]).corpus).toBe(0);
    const freq = documentFrequencies([[s], [t('f g h')], [t('a x y')]]);
    expect(ciderD([{ hyp: s, refs: [s] }], freq).corpus).toBeCloseTo(10, 9);
  });
  it('ROUGE-L by hand: LCS 3 of 4 and 5 tokens', () => {
    expect(lcsLength(t('a b c d'), t('a c d e f'))).toBe(3);
    const p = 3 / 4;
    const r = 3 / 5;
    expect(rougeL(t('a b c d'), [t('a c d e f')])).toBeCloseTo((2.44 * p * r) / (r + 1.44 * p), 12);
  });
});

describe('METEOR (exact matching, α 0.9, β 3, γ 0.5)', () => {
  it('counts chunks of adjacent matches', () => {
    expect(align(t('a b c d'), t('a b x c d'))).toEqual({ matches: 4, chunks: 2 });
    expect(align(t('d c b a'), t('a b c d'))).toEqual({ matches: 4, chunks: 4 });
    expect(align(t('a a b'), t('a b a'))).toEqual({ matches: 3, chunks: 2 });
  });
  it('scores a hand-computed case', () => {
    // 4 matches, hyp 4, ref 5: P 1, R 0.8; F = P·R / (0.9·P + 0.1·R) = 0.8 / 0.98; penalty 0.5·(2/4)³ = 0.0625.
    const f = 0.8 / (0.9 * 1 + 0.1 * 0.8);
    expect(meteor(t('a b c d'), [t('a b x c d'), t('q')])).toBeCloseTo(f * (1 - 0.0625), 12);
  });
});

describe('fact scores', () => {
  const nodule = { finding: 'solid-nodule' as const, location: '右肺上叶' as const, sizeMm: 12, margin: '毛刺' as const, advice: 'pet-or-biopsy' as const };
  it('counts atoms, with ±1 mm on sizes', () => {
    const c = atomCounts([{ ...nodule, sizeMm: 13, location: '左肺上叶' }], [nodule]);
    expect(c.size).toEqual({ tp: 1, predicted: 1, reference: 1 });
    expect(c.location).toEqual({ tp: 0, predicted: 1, reference: 1 });
    const s = factScores([c]);
    expect(s.all.f1).toBeCloseTo(4 / 5, 12); // 4 of 5 atoms right on both sides
    expect(s.location.f1).toBe(0);
  });
  it('a missed finding lowers recall, an invented one precision', () => {
    const s = factScores([atomCounts([], [nodule]), atomCounts([{ finding: 'normal', advice: 'none' }], [])]);
    expect(s.all.recall).toBe(0);
    expect(s.all.precision).toBe(0);
  });
  it('scores by the number of findings: each group micro-averaged on its own, counts from the top one pooled', () => {
    const right = atomCounts([nodule], [nodule]); // 5 of 5
    const missed = atomCounts([], [nodule]); // 0 of 5 found
    const half = atomCounts([nodule], [nodule, { ...nodule, location: '左肺下叶' }]); // 5 found of 10, none invented
    const g = factScoresByFindingCount([right, missed, half, half], [1, 1, 2, 4], 2);
    expect(Object.keys(g)).toEqual(['1', '2+']);
    expect(g['1']).toMatchObject({ n: 2, precision: 1, recall: 0.5 });
    expect(g['1']!.f1).toBeCloseTo(2 / 3, 12);
    expect(g['2+']).toMatchObject({ n: 2, precision: 1, recall: 0.5 });
  });
  it('scores by any key: groups in key order, each micro-averaged on its own', () => {
    const right = atomCounts([nodule], [nodule]);
    const missed = atomCounts([], [nodule]);
    const g = factScoresByGroup([missed, right, right], ['finding', 'none', 'none']);
    expect(Object.keys(g)).toEqual(['finding', 'none']);
    expect(g.finding).toMatchObject({ n: 1, precision: 0, recall: 0, f1: 0 });
    expect(g.none).toMatchObject({ n: 2, precision: 1, recall: 1, f1: 1 });
  });
  it('lobe accuracy only where the text omitted the lobe', () => {
    expect(lobeCorrect([nodule], { finding: 'solid-nodule', location: '右肺上叶' })).toBe(true);
    expect(lobeCorrect([nodule], { finding: 'solid-nodule', location: '右肺下叶' })).toBe(false);
    expect(lobeCorrect([nodule], undefined)).toBeUndefined();
  });
});

describe('text-only ceiling', () => {
  const nodule: FindingTruth = { type: 'solid-nodule', location: '右肺上叶', sizeMm: 12, margin: '毛刺', density: '实性', count: 1, meanHu: 38, boxes: [] };
  const effusion: FindingTruth = { type: 'pleural-effusion', location: '左侧胸腔', sizeMm: 15, margin: '光滑', density: '液性', count: 1, meanHu: 12, boxes: [] };
  it('states what the text gives, nothing it omits; advice right', () => {
    // Nodule > 8 mm, spiculated: PET-CT or biopsy, listed first; effusion < 20 mm: ultrasound.
    const full = [{ finding: 'solid-nodule', location: '右肺上叶', sizeMm: 12, margin: '毛刺', advice: 'pet-or-biopsy' }, { finding: 'pleural-effusion', location: '左侧胸腔', sizeMm: 15, advice: 'ultrasound-follow-up' }];
    expect(textOnlyFacts([nodule, effusion], undefined)).toEqual(full);
    expect(textOnlyFacts([nodule, effusion], { finding: 0, what: 'lobe' })).toEqual([{ finding: 'solid-nodule', sizeMm: 12, margin: '毛刺', advice: 'pet-or-biopsy' }, full[1]]);
    expect(textOnlyFacts([nodule, effusion], { finding: 0, what: 'size' })).toEqual([{ finding: 'solid-nodule', location: '右肺上叶', margin: '毛刺', advice: 'pet-or-biopsy' }, full[1]]);
    expect(textOnlyFacts([nodule, effusion], { finding: 0, what: 'finding' })).toEqual([full[1]]);
    // The only finding left out: the text reads as a normal study.
    expect(textOnlyFacts([nodule], { finding: 0, what: 'finding' })).toEqual([{ finding: 'normal', advice: 'none' }]);
    // Scored: an omitted lobe costs that one location atom of 9 (recall 8/9, precision 1).
    const f1 = factScores([atomCounts(textOnlyFacts([nodule, effusion], { finding: 0, what: 'lobe' }), full as never)]).all.f1;
    expect(f1).toBeCloseTo((2 * (8 / 9)) / (1 + 8 / 9), 10);
  });
});

describe('pointing game and retrieval', () => {
  it('finds the attention peak cell and tests it against boxes', () => {
    const weights = new Float32Array(2 * 4 * 4);
    weights[16 + 4 * 2 + 3] = 1; // slice 1, row 2, column 3
    const peak = peakRegion(weights, [2, 4, 4]);
    expect(peak).toEqual({ d: 1, r: 2, c: 3 }); // on a 2-slice 64² volume: slice 1, x 48–63, y 32–47
    const volume = { depth: 2, height: 64, width: 64 };
    expect(regionHits(peak, [2, 4, 4], volume, [{ slice: 1, box: [50, 30, 60, 45] }])).toBe(true);
    expect(regionHits(peak, [2, 4, 4], volume, [{ slice: 0, box: [50, 30, 60, 45] }])).toBe(false);
    // The box x 50–60, y 30–45 on slice 1 spans rows 1–2 (y 16–31, 32–47) of column 3 (x 48–63).
    const mask = boxRegions([2, 4, 4], volume, [{ slice: 1, box: [50, 30, 60, 45] }]);
    expect([...mask.keys()].filter((i) => mask[i])).toEqual([16 + 4 * 1 + 3, 16 + 4 * 2 + 3]);
  });
  it('recall@k and MRR from ranks', () => {
    const facts = [{ finding: 'mass' as const, location: '左肺下叶' as const, advice: 'enhanced-ct-biopsy' as const }];
    const ranked = [
      { findingTypes: ['mass' as const], locations: ['右肺上叶' as const] },
      { findingTypes: ['mass' as const], locations: ['左肺下叶' as const] },
    ];
    expect(firstRelevantRank(ranked, facts)).toBe(2);
    const ranks = [1, 2, 0, 6];
    expect(recallAt(ranks, 1)).toBe(0.25);
    expect(recallAt(ranks, 5)).toBe(0.5);
    expect(meanReciprocalRank(ranks)).toBeCloseTo((1 + 0.5 + 0 + 1 / 6) / 4, 12);
  });
});

describe('bootstrap', () => {
  it('is seeded and brackets the mean', () => {
    const xs = Array.from({ length: 200 }, (_, i) => (i % 10) / 10);
    const a = bootstrap(xs, mean);
    expect(a).toEqual(bootstrap(xs, mean));
    expect(a.low).toBeLessThan(a.value);
    expect(a.high).toBeGreaterThan(a.value);
    expect(a.high - a.low).toBeLessThan(0.15);
  });
  it('character tokens drop whitespace only', () => {
    expect(charTokens('右肺 12mm')).toEqual(['右', '肺', '1', '2', 'm', 'm']);
  });
});
