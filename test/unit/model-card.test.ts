/**
 * The model card's "At a glance" table says what the stored evaluations and the shipped files say: its
 * scores are the reporting sets' results of the shipped model with the page's decoding (reports/results),
 * its sizes those of public/models. A new model or decoding that ships without its card updated fails here.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

interface Interval { value: number; low: number; high: number; n?: number }
interface Result { params: number; scores: { factF1: Interval; lobeAccImageOnly: Interval; pointingGame: Interval; recallAt5: Interval; n: number; chars: Record<'bleu1' | 'bleu2' | 'bleu3' | 'bleu4' | 'meteor' | 'rougeL' | 'ciderD', Interval> } }

const SHIPPED = 'retrieval-beam3-lp0.7-brackets-items-salient-lesions-counts';
const result = (set: string): Result => JSON.parse(readFileSync(join('reports/results', `${SHIPPED}__${set}.json`), 'utf8'));
const sets = [result('fresh-seed-777-n-500'), result('corpus-seed-1-n-1000-test-split')];

const card = readFileSync('docs/models.md', 'utf8');
/** The cells of the "At a glance" table row that starts with `label`. */
function row(label: string): string[] {
  const line = card.split('\n').find((l) => l.startsWith(`| ${label}`));
  if (!line) throw new Error(`no row "${label}" in docs/models.md`);
  return line.split('|').slice(1, -1).map((c) => c.trim());
}

const pct = (x: number) => (100 * x).toFixed(1);
const withCi = (i: Interval) => `${pct(i.value)} [${pct(i.low)}, ${pct(i.high)}]`;

describe('docs/models.md, "At a glance"', () => {
  it('fact F1, the omitted lobe, pointing and R@5 are the stored results of the shipped model with the page\'s decoding', () => {
    sets.forEach(({ scores: s }, k) => {
      const col = k + 1;
      expect(row('clinical fact F1')[col]).toBe(withCi(s.factF1));
      const lobe = s.lobeAccImageOnly;
      expect(row('lobe accuracy where the text omits the lobe')[col]).toBe(`${pct(lobe.value)} % (${Math.round(lobe.value * lobe.n!)} of ${lobe.n})`);
      expect(row('pointing game')[col]).toBe(pct(s.pointingGame.value));
      expect(row('R@5')[col]!.split(' ')[0]).toBe(pct(s.recallAt5.value));
    });
    expect(row('R@5')[2]).toContain(`(${Math.round(sets[1]!.scores.recallAt5.value * sets[1]!.scores.n)} of ${sets[1]!.scores.n};`);
  });

  it('BLEU, METEOR, ROUGE-L and CIDEr-D are the stored results too', () => {
    sets.forEach(({ scores: { chars: c } }, k) => {
      const col = k + 1;
      expect(row('BLEU-1 / 2 / 3 / 4')[col]).toBe([c.bleu1, c.bleu2, c.bleu3, c.bleu4].map((i) => pct(i.value)).join(' / '));
      expect(row('METEOR, ROUGE-L')[col]).toBe(`${pct(c.meteor.value)}, ${pct(c.rougeL.value)}`);
      expect(row('CIDEr-D')[col]).toBe(`${c.ciderD.value.toFixed(3)} [${c.ciderD.low.toFixed(2)}, ${c.ciderD.high.toFixed(2)}]`);
    });
  });

  it('the parameter count and the files\' sizes are those of the shipped model and public/models', () => {
    expect(card).toContain(`${sets[0]!.params.toLocaleString('en-US')} parameters`);
    const sizes = (dir: string) => readdirSync(dir).map((f) => statSync(join(dir, f)).size);
    const retrieval = sizes('public/models/retrieval');
    const lfmgan = sizes('public/models/lfmgan');
    const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    const largest = Math.max(...retrieval, ...lfmgan);
    expect(largest).toBeLessThanOrEqual(8e6);
    expect(row('every file under public/models ≤ 8 MB')[1]).toBe(`largest ${Math.round(largest / 1000)} KB (weights.bin); all files ${mb(sum(retrieval) + sum(lfmgan))} MB (retrieval ${mb(sum(retrieval))}, LFMGAN ${mb(sum(lfmgan))})`);
  });
});
