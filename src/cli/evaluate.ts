/** `tuwen metrics FILE.json`, `tuwen baseline …` and `tuwen eval …`. */
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeBaseline, type BaselineKind, type Prediction, type TrainingExample } from '../baselines/baselines.ts';
import { decodingSuffix, GREEDY, loadEvalModel } from '../eval/models.ts';
import { decodingFlags } from './decodingOptions.ts';
import { buildPassages } from '../corpus/passages.ts';
import type { Fact } from '../corpus/schema.ts';
import { readManifest } from '../dataset/manifest.ts';
import { bleu } from '../eval/bleu.ts';
import { ciderD } from '../eval/ciderD.ts';
import { evaluate, headline } from '../eval/evaluate.ts';
import { jiebaTokens } from '../eval/jieba.ts';
import { meteor } from '../eval/meteor.ts';
import { loadResults, saveResult, writeReports, type ResultRecord } from '../eval/report.ts';
import { pairedComparison } from '../eval/paired.ts';
import type { Interval } from '../eval/bootstrap.ts';
import { writeAdversarialReport } from '../eval/adversarialReport.ts';
import { rougeL } from '../eval/rouge.ts';
import { corpusSplit, freshTestSet, manifestItems, type EvalItem } from '../eval/testSet.ts';
import { charTokens } from '../eval/tokenize.ts';
import { mapSplit } from '../training/studies.ts';
import { UsageError } from './corpus.ts';
import { ProgressBar } from './progress.ts';

export async function metricsCommand(args: string[]): Promise<number> {
  if (args.length !== 1) throw new UsageError('usage: tuwen metrics FILE.json');
  const { sets } = JSON.parse(await readFile(args[0]!, 'utf8')) as { sets: { items: { refs: string[][]; hyp: string[] }[] }[] };
  for (const set of sets) {
    const items = set.items;
    process.stdout.write(
      `${JSON.stringify({
        bleu: bleu(items).corpus,
        rougeL: items.reduce((a, it) => a + rougeL(it.hyp, it.refs), 0) / items.length,
        ciderD: ciderD(items).corpus,
        meteor: items.reduce((a, it) => a + meteor(it.hyp, it.refs), 0) / items.length,
      })}\n`,
    );
  }
  return 0;
}

export async function baselineCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { kind: { type: 'string' }, corpus: { type: 'string' }, seed: { type: 'string' }, n: { type: 'string' }, out: { type: 'string' } } });
  const kind = `baseline-${values.kind}` as BaselineKind;
  if (!['baseline-nearest', 'baseline-frequent'].includes(kind)) throw new UsageError('--kind must be nearest or frequent');
  if (!values.out) throw new UsageError('--out DIR is required');
  let train: TrainingExample[];
  let trainedOn: string;
  let passagesFrom: { id: string; summary: string; text: string; facts: Fact[] }[];
  if (values.corpus) {
    const report = await readManifest(resolve(values.corpus, 'manifest.train.jsonl'));
    train = report.entries.map((e) => ({ id: e.id, text: e.text, clinical: e.clinical ?? '', summary: e.summary }));
    passagesFrom = report.entries.map((e) => ({ id: e.id, summary: e.summary, text: e.text, facts: e.facts ?? [] }));
    trainedOn = `corpus ${values.corpus} (train split)`;
  } else {
    const seed = Number(values.seed);
    const n = Number(values.n);
    if (!Number.isInteger(seed) || !Number.isInteger(n) || n < 1) throw new UsageError('give --corpus DIR, or --seed S --n N');
    const bar = new ProgressBar('training studies', n);
    // Only the texts and facts are kept: holding every rendered volume would take gigabytes.
    const studies = mapSplit(seed, n, 'train', 256, (s) => ({ id: s.id, text: s.text, clinical: s.clinical, summary: s.summary, facts: s.facts }), (d) => bar.update(d));
    train = studies.map(({ facts: _facts, ...t }) => t);
    passagesFrom = studies;
    trainedOn = `seed ${seed}, n ${n} (train split: ${train.length})`;
  }
  await writeBaseline(values.out, kind, train, buildPassages(passagesFrom), trainedOn);
  process.stdout.write(`${JSON.stringify({ out: values.out, kind, trainExamples: train.length })}\n`);
  return 0;
}

export async function evalCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      model: { type: 'string' },
      split: { type: 'string' },
      corpus: { type: 'string', default: 'corpus' },
      manifest: { type: 'string' },
      seed: { type: 'string' },
      n: { type: 'string' },
      json: { type: 'boolean' },
      reports: { type: 'string', default: 'reports' },
      beam: { type: 'string', default: '1' },
      'length-penalty': { type: 'string', default: '0.7' },
      'balanced-brackets': { type: 'boolean' },
      'sequential-items': { type: 'boolean' },
      'salient-items': { type: 'boolean' },
      'text-places': { type: 'boolean' },
      'named-places': { type: 'boolean' },
      'pointed-lobes': { type: 'boolean' },
      'lesion-lobes': { type: 'boolean' },
      'stated-counts': { type: 'boolean' },
      mmr: { type: 'string' },
      'text-match': { type: 'string' },
    },
  });
  if (!values.model) throw new UsageError('--model DIR is required');
  const { beamSize, lengthPenalty, balancedBrackets, sequentialItems, salientItems, textPlaces, namedPlaces, pointedLobes, lesionLobes, statedCounts, mmr, textMatch } = decodingFlags(values);
  const decoding = { ...(beamSize === 1 ? GREEDY : { beamSize, lengthPenalty }), balancedBrackets, sequentialItems, salientItems, textPlaces, namedPlaces, pointedLobes, lesionLobes, statedCounts, ...(mmr === undefined ? {} : { mmr }), ...(textMatch === undefined ? {} : { textMatch }) };
  let items: EvalItem[];
  let testSet: string;
  if (values.seed !== undefined) {
    const seed = Number(values.seed);
    const n = Number(values.n);
    if (!Number.isInteger(seed) || !Number.isInteger(n) || n < 1) throw new UsageError('--seed S needs --n N');
    const bar = new ProgressBar('test studies', n);
    items = freshTestSet(seed, n, (d) => bar.update(d));
    testSet = `fresh seed ${seed}, n ${n}`;
  } else if (values.split) {
    if (!['train', 'val', 'test'].includes(values.split)) throw new UsageError('--split must be train, val or test');
    items = await corpusSplit(values.corpus!, values.split as 'test');
    const meta = await readFile(resolve(values.corpus!, 'corpus.json'), 'utf8').then((t) => JSON.parse(t) as { seed: number; n: number }, () => undefined);
    testSet = meta ? `corpus seed ${meta.seed}, n ${meta.n}, ${values.split} split` : `${basename(resolve(values.corpus!))} ${values.split} split`;
  } else if (values.manifest) {
    items = await manifestItems(values.manifest);
    testSet = basename(values.manifest);
  } else throw new UsageError('give --split test (with --corpus DIR), --manifest FILE, or --seed S --n N');

  const model = await loadEvalModel(values.model, decoding);
  const bar = new ProgressBar(`summaries (${model.name})`, items.length);
  const predictions: Prediction[] = [];
  for (const [i, item] of items.entries()) {
    predictions.push(await model.predict(item));
    bar.update(i + 1);
  }
  const scores = evaluate(items, predictions, { chars: charTokens, jieba: jiebaTokens });
  await saveResult(values.reports!, {
    model: model.name,
    ...(model.ablation ? { ablation: model.ablation } : {}),
    kind: model.kind,
    // Beam-search results are kept beside the greedy ones, not over them.
    modelDir: `${basename(resolve(values.model))}${decodingSuffix(decoding)}`,
    trainedOn: model.trainedOn,
    params: model.params,
    flopsPerSummary: model.flopsPerSummary,
    testSet,
    scores,
    date: new Date().toISOString().slice(0, 10),
    command: `tuwen eval ${args.filter((a) => a !== '--json').join(' ')}`,
  });
  const report = await writeReports(values.reports!);
  const section = report.split(/\n(?=## )/).find((s) => s.startsWith(`## Test set: ${testSet} (`));
  process.stdout.write(`${section ?? report}\n`);
  if (values.json) process.stdout.write(`${JSON.stringify(headline(scores))}\n`);
  return 0;
}

/** `tuwen compare --test-set NAME A B`: two stored results of the same test set, compared study by study (`paired.ts`). */
export async function compareCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { 'test-set': { type: 'string' }, reports: { type: 'string', default: 'reports' }, json: { type: 'boolean' } } });
  const set = values['test-set'];
  if (!set || positionals.length !== 2) throw new UsageError('usage: tuwen compare --test-set "corpus seed 1, n 1000, test split" [--reports reports] MODEL_A MODEL_B (the names under which `tuwen eval` stored them)');
  const results = await loadResults(values.reports!);
  const [a, b] = positionals.map((name) => {
    const r = results.find((x) => x.modelDir === name && x.testSet === set);
    if (!r) throw new UsageError(`no result of ${name} on "${set}" in ${values.reports}/results`);
    if (!r.scores.items) throw new UsageError(`the result of ${name} on "${set}" keeps no per-study scores (stored before they existed): run tuwen eval again`);
    return r;
  }) as [ResultRecord, ResultRecord];
  const p = pairedComparison(a.scores.items!, b.scores.items!);
  const signed = (x: number, digits: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(digits)}`;
  const range = (i: Interval, scale: number, digits: number) => `${signed(scale * i.value, digits)} [${signed(scale * i.low, digits)}, ${signed(scale * i.high, digits)}]`;
  process.stdout.write(
    [
      `A: ${a.model} (${a.modelDir})`,
      `B: ${b.model} (${b.modelDir})`,
      `${set}: ${p.n} studies, ${p.differ} summaries differ; paired bootstrap 95 % intervals`,
      '',
      '| | A | B | A vs B |',
      '| --- | --- | --- | --- |',
      `| CIDEr-D | ${p.ciderD.a.toFixed(3)} | ${p.ciderD.b.toFixed(3)} | ${range(p.ciderD.difference, 1, 3)}, that is ${range(p.ciderD.relative, 100, 1)} % of B |`,
      `| fact F1 | ${(100 * p.factF1.a).toFixed(1)} | ${(100 * p.factF1.b).toFixed(1)} | ${range(p.factF1.difference, 100, 1)} points |`,
      ...(p.ciderDWithFindings ? [`| CIDEr-D, the ${p.ciderDWithFindings.n} studies with a finding | ${p.ciderDWithFindings.a.toFixed(3)} | ${p.ciderDWithFindings.b.toFixed(3)} | ${range(p.ciderDWithFindings.difference, 1, 3)}, that is ${range(p.ciderDWithFindings.relative, 100, 1)} % of B |`] : []),
      '',
    ].join('\n'),
  );
  if (values.json) process.stdout.write(`${JSON.stringify(p)}\n`);
  return 0;
}

export async function reportAdversarialCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { 'test-set': { type: 'string', multiple: true }, reports: { type: 'string', default: 'reports' } } });
  if (!values['test-set']?.length || positionals.length === 0) throw new UsageError('usage: tuwen report-adversarial --test-set "corpus seed 1, n 1000, test split" [--test-set …] MODEL_DIR...');
  process.stdout.write(await writeAdversarialReport(values.reports!, positionals, values['test-set']));
  return 0;
}
