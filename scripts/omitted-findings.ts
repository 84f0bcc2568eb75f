/**
 * How often each model names, with the page's decoding, the finding a study's text leaves out: on the fresh
 * studies of a seed whose text omits a finding of the given types, per type, the studies whose summary names
 * the type, and the type at its place. The selection sets hold too few omissions of a type to show this
 * (seed 555's 500 studies omit one emphysema); a larger fresh seed, filtered, does.
 *   npx tsx scripts/omitted-findings.ts --seed 901 --n 2500 --types emphysema,cavity,pleural-effusion public/models/retrieval scratch/m/v43-int8
 */
import { parseArgs } from 'node:util';
import { extractFacts } from '../src/corpus/factExtractor.ts';
import { FINDING_TYPES } from '../src/corpus/schema.ts';
import { loadEvalModel } from '../src/eval/models.ts';
import { freshTestSet } from '../src/eval/testSet.ts';
import { PAGE_DECODING } from '../src/inference/pageDecoding.ts';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { seed: { type: 'string', default: '901' }, n: { type: 'string', default: '2500' }, types: { type: 'string', default: FINDING_TYPES.join(',') } } });
const types = values.types.split(',');
const unknown = types.filter((t) => !(FINDING_TYPES as readonly string[]).includes(t));
if (unknown.length) throw new Error(`--types: ${unknown.join(', ')} not among ${FINDING_TYPES.join(', ')}`);
if (positionals.length === 0) throw new Error('give one or more model directories');
const omitted = (item: ReturnType<typeof freshTestSet>[number]) => (item.omission?.what === 'finding' ? item.findings![item.omission.finding]! : undefined);
const items = freshTestSet(Number(values.seed), Number(values.n)).filter((it) => types.includes(omitted(it)?.type ?? ''));
console.log(`fresh seed ${values.seed}, first ${values.n} studies: ${items.length} whose text omits a finding of ${types.join(', ')}`);
console.log('model directory | omitted type: studies, named, named with its place (the page\'s decoding)');
for (const dir of positionals) {
  const model = await loadEvalModel(dir, PAGE_DECODING);
  const tally = new Map<string, [number, number, number]>();
  for (const item of items) {
    const f = omitted(item)!;
    const facts = extractFacts((await model.predict(item)).summary);
    const t = tally.get(f.type) ?? [0, 0, 0];
    tally.set(f.type, [t[0] + 1, t[1] + (facts.some((x) => x.finding === f.type) ? 1 : 0), t[2] + (facts.some((x) => x.finding === f.type && x.location === f.location) ? 1 : 0)]);
  }
  console.log(`${dir} | ${[...tally].map(([type, [n, named, placed]]) => `${type}: ${n}, ${named}, ${placed}`).join(' | ')}`);
}
