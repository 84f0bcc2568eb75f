/** BLEU, ROUGE-L and CIDEr-D against the reference COCO caption code's values (conformance vectors). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bleu } from '../../src/eval/bleu.ts';
import { ciderD } from '../../src/eval/ciderD.ts';
import { rougeL } from '../../src/eval/rouge.ts';
import { FIXTURES } from '../helpers/fixtures.ts';

interface Item {
  refs: string[][];
  hyp: string[];
  expected: { bleu: number[]; rougeL: number; ciderD: number };
}
const conformance = JSON.parse(readFileSync(`${FIXTURES}caption-metrics.json`, 'utf8')) as { sets: { items: Item[]; expected: { bleu: number[]; rougeL: number; ciderD: number } }[] };
const close = (actual: number, expected: number) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-6);

describe.each(conformance.sets.map((s, i) => [i, s] as const))('conformance set %i', (_, set) => {
  it('corpus BLEU-1..4, ROUGE-L and CIDEr-D match within 1e-6', () => {
    const b = bleu(set.items);
    b.corpus.forEach((v, k) => close(v, set.expected.bleu[k]!));
    close(set.items.reduce((a, it) => a + rougeL(it.hyp, it.refs), 0) / set.items.length, set.expected.rougeL);
    close(ciderD(set.items).corpus, set.expected.ciderD);
  });
  it('every item: sentence BLEU, ROUGE-L and CIDEr-D match within 1e-6', () => {
    const b = bleu(set.items);
    const c = ciderD(set.items);
    set.items.forEach((it, i) => {
      b.perItem[i]!.forEach((v, k) => close(v, it.expected.bleu[k]!));
      close(rougeL(it.hyp, it.refs), it.expected.rougeL);
      close(c.perItem[i]!, it.expected.ciderD);
    });
  });
});
