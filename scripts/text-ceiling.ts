/**
 * The fact F1 a reader of the text alone could reach at best on a fresh test set (`src/eval/textCeiling.ts`),
 * overall, per kind and per number of findings — the share of the score that only the image can give.
 *   npx tsx scripts/text-ceiling.ts [--seed 777] [--n 500]
 */
import { parseArgs } from 'node:util';
import { atomCounts, factScores, factScoresByFindingCount } from '../src/eval/factScores.ts';
import { textOnlyFacts } from '../src/eval/textCeiling.ts';
import { freshTestSet } from '../src/eval/testSet.ts';

const { values } = parseArgs({ options: { seed: { type: 'string', default: '777' }, n: { type: 'string', default: '500' } } });
const items = freshTestSet(Number(values.seed), Number(values.n));
const counts = items.map((it) => atomCounts(textOnlyFacts(it.findings!, it.omission), it.facts));
const pct = (x: number) => +(100 * x).toFixed(1);
const omitted = { finding: 0, lobe: 0, size: 0 };
for (const it of items) if (it.omission) omitted[it.omission.what]++;
console.log(JSON.stringify({
  testSet: `fresh seed ${values.seed}, n ${values.n}`,
  omitted,
  factF1: Object.fromEntries(Object.entries(factScores(counts)).map(([k, v]) => [k, pct(v.f1)])),
  byFindingCount: Object.fromEntries(Object.entries(factScoresByFindingCount(counts, items.map((it) => it.facts.filter((f) => f.finding !== 'normal').length))).map(([k, v]) => [k, { f1: pct(v.f1), n: v.n }])),
}, null, 1));
