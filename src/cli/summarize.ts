/** `tuwen summarize --model DIR FILE... [--text "…" | --text-file F] [--beam N] [--balanced-brackets] [--sequential-items [--salient-items]] [--text-places | --named-places] [--pointed-lobes | --lesion-lobes] [--stated-counts] [--mmr 0.7] [--text-match 0.1] [--json]`. */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { loadModelDir } from '../eval/models.ts';
import { openStudy } from '../intake/intake.ts';
import { greyValues } from '../intake/modality.ts';
import { nodeIntakeEnv } from '../platform/node.ts';
import { UsageError } from './corpus.ts';
import { decodingFlags } from './decodingOptions.ts';

export async function summarizeCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { model: { type: 'string' }, text: { type: 'string' }, 'text-file': { type: 'string' }, beam: { type: 'string', default: '1' }, 'balanced-brackets': { type: 'boolean' }, 'sequential-items': { type: 'boolean' }, 'salient-items': { type: 'boolean' }, 'text-places': { type: 'boolean' }, 'named-places': { type: 'boolean' }, 'pointed-lobes': { type: 'boolean' }, 'lesion-lobes': { type: 'boolean' }, 'stated-counts': { type: 'boolean' }, mmr: { type: 'string' }, 'text-match': { type: 'string' }, json: { type: 'boolean' } },
  });
  if (!values.model || positionals.length === 0) throw new UsageError('usage: tuwen summarize --model DIR FILE... [--text "…" | --text-file F] [--beam N] [--balanced-brackets] [--sequential-items [--salient-items]] [--text-places | --named-places] [--pointed-lobes | --lesion-lobes] [--stated-counts] [--mmr 0.7] [--text-match 0.1] [--json]');
  const decoding = decodingFlags(values);
  const text = values['text-file'] ? await readFile(values['text-file'], 'utf8') : (values.text ?? '');
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not start');
  const files = await Promise.all(positionals.map(async (p) => ({ name: basename(p), bytes: new Uint8Array(await readFile(p)) })));
  const volume = await openStudy(files, nodeIntakeEnv());
  const modality = greyValues(volume.modality, volume.samplesPerPixel);
  const { summarizer } = await loadModelDir(values.model);
  const result = await summarizer.summarize({ modality, grid: { depth: volume.depth, height: volume.height, width: volume.width }, text }, decoding);
  if (values.json) {
    for (const t of result.tokens) {
      process.stdout.write(`${JSON.stringify({ token: t.text, id: t.id, beta: t.beta, visualAttention: Array.from(t.visualAttention), ...(t.readingAttention ? { readingAttention: Array.from(t.readingAttention) } : {}), textAttention: Array.from(t.textAttention) })}\n`);
    }
    process.stdout.write(`${JSON.stringify({ summary: result.summary, passages: result.passages.slice(0, result.k).map((p) => ({ id: p.passage.id, score: p.score, text: p.passage.text })), regionShape: result.regionShape, imaged: result.imaged })}\n`);
  } else {
    // What the summary writes from the image alone goes to stderr, so stdout stays the summary.
    if (result.imaged.length) process.stderr.write(`read from the image, not in the text: ${result.imaged.map((f) => `${f.type} at ${f.place ?? 'no place'}`).join(', ')}\n`);
    process.stdout.write(`${result.summary}\n`);
  }
  summarizer.dispose();
  return 0;
}
