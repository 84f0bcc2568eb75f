/** `tuwen corpus --seed S --n N --out DIR` and `tuwen dataset check MANIFEST`. */
import { parseArgs } from 'node:util';
import { writeSamples } from '../corpus/samples.ts';
import { writeCorpus } from '../corpus/writeCorpus.ts';
import { readManifest } from '../dataset/manifest.ts';
import { ProgressBar } from './progress.ts';

function intOption(value: string | undefined, name: string, min: number): number {
  const n = Number(value);
  if (value === undefined || !Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be a whole number ≥ ${min}`);
  return n;
}

export class UsageError extends Error {}

export async function corpusCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { seed: { type: 'string' }, n: { type: 'string' }, out: { type: 'string' }, size: { type: 'string', default: '256' }, incomplete: { type: 'string', default: '0.35' } },
  });
  if (!values.out) throw new UsageError('--out DIR is required');
  const incompleteShare = Number(values.incomplete);
  if (!(incompleteShare >= 0 && incompleteShare <= 1)) throw new UsageError('--incomplete must be a share between 0 and 1');
  const n = intOption(values.n, 'n', 1);
  const bar = new ProgressBar('corpus', n);
  const started = performance.now();
  const { counts } = await writeCorpus({
    seed: intOption(values.seed, 'seed', 0),
    n,
    out: values.out,
    size: intOption(values.size, 'size', 16),
    incompleteShare,
    onProgress: (done) => bar.update(done),
  });
  process.stdout.write(`${JSON.stringify({ out: values.out, ...counts, seconds: +((performance.now() - started) / 1000).toFixed(1) })}\n`);
  return 0;
}

export async function datasetCommand(args: string[]): Promise<number> {
  const [verb, ...rest] = args;
  if (verb !== 'check') throw new UsageError('usage: tuwen dataset check MANIFEST.jsonl [--no-images]');
  const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { 'no-images': { type: 'boolean' } } });
  if (positionals.length !== 1) throw new UsageError('give one manifest file');
  const report = await readManifest(positionals[0]!, { checkImages: !values['no-images'] });
  for (const p of report.problems) process.stdout.write(`${JSON.stringify(p)}\n`);
  const byCode: Record<string, number> = {};
  for (const p of report.problems) byCode[p.code] = (byCode[p.code] ?? 0) + 1;
  process.stdout.write(`${JSON.stringify({ lines: report.lines, usable: report.entries.length, problems: report.problems.length, byCode })}\n`);
  return report.problems.length === 0 ? 0 : 1;
}

export async function samplesCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { out: { type: 'string', default: 'public/samples' } } });
  const entries = await writeSamples(values.out!);
  for (const e of entries) process.stdout.write(`${JSON.stringify({ id: e.id, label: e.label.en, slices: e.files.length })}\n`);
  return 0;
}
