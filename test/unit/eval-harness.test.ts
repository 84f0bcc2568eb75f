/** The evaluation harness end to end: a perfect model, the baselines, and the CLI's JSON line. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/eval/evaluate.ts';
import { jiebaTokens } from '../../src/eval/jieba.ts';
import { freshTestSet } from '../../src/eval/testSet.ts';
import { charTokens } from '../../src/eval/tokenize.ts';
import { FIXTURES } from '../helpers/fixtures.ts';

const tokenize = { chars: charTokens, jieba: jiebaTokens };
const tuwen = (...args: string[]) => execFileSync('node', ['bin/tuwen.mjs', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });

describe('evaluate', () => {
  const items = freshTestSet(8, 40);
  it('a model that writes the reference scores 1 on facts and BLEU, and knows every omitted lobe', () => {
    const s = evaluate(items, items.map((it) => ({ summary: it.summary })), tokenize);
    expect(s.factF1.value).toBe(1);
    expect(s.chars.bleu4.value).toBeCloseTo(1, 9);
    expect(s.jieba.rougeL.value).toBeCloseTo(1, 9);
    expect(s.lobeAccImageOnly === null || s.lobeAccImageOnly.value === 1).toBe(true);
    expect(s.recallAt5).toBeNull(); // no ranking given, no retrieval score
  });
  it('a constant answer scores far lower, with intervals around the value', () => {
    const s = evaluate(items, items.map(() => ({ summary: '双肺未见明显异常。' })), tokenize);
    expect(s.factF1.value).toBeLessThan(0.4);
    expect(s.factF1.low).toBeLessThanOrEqual(s.factF1.value);
    expect(s.factF1.high).toBeGreaterThanOrEqual(s.factF1.value);
  });
  it('fact scores by what the text omits: one group per omission, the studies counted once', () => {
    const s = evaluate(items, items.map((it) => ({ summary: it.omission?.what === 'finding' ? '双肺未见明显异常。' : it.summary })), tokenize);
    const groups = s.byOmission!;
    expect(Object.values(groups).reduce((n, g) => n + g.n, 0)).toBe(items.length);
    expect(groups.none!.n).toBe(items.filter((it) => !it.omission).length);
    expect(groups.none!.f1).toBe(1);
    // A summary that leaves out the omitted finding (here: says "normal") finds none of its facts.
    expect(groups.finding!.n).toBeGreaterThan(0);
    expect(groups.finding!.f1).toBeLessThan(groups.none!.f1);
  });
});

describe('CLI', () => {
  it('tuwen metrics reproduces the conformance sets', () => {
    const expected = (JSON.parse(readFileSync(`${FIXTURES}caption-metrics.json`, 'utf8')) as { sets: { expected: { bleu: number[]; ciderD: number } }[] }).sets;
    const lines = tuwen('metrics', `${FIXTURES}caption-metrics.json`).trim().split('\n').map((l) => JSON.parse(l) as { bleu: number[]; ciderD: number; meteor: number });
    expect(lines).toHaveLength(expected.length);
    lines.forEach((l, i) => {
      l.bleu.forEach((b, k) => expect(Math.abs(b - expected[i]!.expected.bleu[k]!)).toBeLessThan(1e-6));
      expect(Math.abs(l.ciderD - expected[i]!.expected.ciderD)).toBeLessThan(1e-6);
      expect(l.meteor).toBeGreaterThan(0);
    });
  });
  it('tuwen baseline + tuwen eval --json: a report and a last line with every headline key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tuwen-eval-'));
    tuwen('baseline', '--kind', 'nearest', '--seed', '5', '--n', '30', '--out', join(dir, 'nearest'));
    const out = tuwen('eval', '--model', join(dir, 'nearest'), '--seed', '6', '--n', '12', '--json', '--reports', join(dir, 'reports')).trim().split('\n');
    const last = JSON.parse(out[out.length - 1]!) as Record<string, number | null>;
    expect(Object.keys(last).sort()).toEqual(['bleu1', 'bleu2', 'bleu3', 'bleu4', 'ciderD', 'distinct1', 'distinct2', 'factF1', 'lobeAccImageOnly', 'meteor', 'pointingGame', 'recallAt5', 'rougeL', 'seqRep4'].sort());
    expect(last.recallAt5).toBeGreaterThan(0);
    expect(last.pointingGame).toBeNull();
    expect(readFileSync(join(dir, 'reports', 'README.md'), 'utf8')).toMatch(/Nearest training summary/);
    // tuwen compare: the two baselines on the same studies, study by study.
    tuwen('baseline', '--kind', 'frequent', '--seed', '5', '--n', '30', '--out', join(dir, 'frequent'));
    tuwen('eval', '--model', join(dir, 'frequent'), '--seed', '6', '--n', '12', '--reports', join(dir, 'reports'));
    const compared = tuwen('compare', '--test-set', 'fresh seed 6, n 12', '--reports', join(dir, 'reports'), '--json', 'nearest', 'frequent').trim().split('\n');
    expect(compared[2]).toMatch(/^fresh seed 6, n 12: 12 studies, \d+ summaries differ; paired bootstrap 95 % intervals$/);
    expect(compared.some((l) => /^\| CIDEr-D \| \d\.\d{3} \| \d\.\d{3} \| [+−]\d\.\d{3} \[[+−]\d\.\d{3}, [+−]\d\.\d{3}\], that is [+−]\d+\.\d \[[+−]\d+\.\d, [+−]\d+\.\d\] % of B \|$/.test(l))).toBe(true);
    const paired = JSON.parse(compared[compared.length - 1]!) as { n: number; differ: number; factF1: { difference: { low: number; value: number; high: number } } };
    expect(paired.n).toBe(12);
    expect(paired.differ).toBeGreaterThan(0);
    expect(paired.factF1.difference.low).toBeLessThanOrEqual(paired.factF1.difference.value);
  }, 90_000);
});
