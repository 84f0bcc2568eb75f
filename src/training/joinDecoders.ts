/**
 * A model directory whose summaries come from several decoders at once (`decoderEnsemble.ts`): the first
 * model as it is, plus each other model's decoder. The others must have been trained on the first one's
 * stage 1–2 (`tuwen train --resume` on a copy of its image encoder and retriever, another --decoder-seed):
 * the members share its image encoder, retriever and passages, so any other difference is refused.
 */
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { withDecoderMember } from '../inference/models/decoderEnsemble.ts';
import { disposeWeights, type Weights } from '../inference/models/weights.ts';
import type { ModelConfig } from '../inference/summarizer.ts';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.ts';

async function readModel(dir: string): Promise<{ config: ModelConfig; weights: Weights }> {
  const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as ModelConfig;
  if (config.kind !== 'retrieval') throw new Error(`${dir}: not a retrieval model`);
  const checkpoint = await loadCheckpoint(dir, 'model');
  if (!checkpoint) throw new Error(`${dir}: no trained model (model.json / model.bin); give a training output, not an export`);
  return { config, weights: checkpoint.weights };
}

/** The first shared weight (not "dec.…") in which two models differ, or undefined. */
function sharedDifference(a: Weights, b: Weights): string | undefined {
  for (const name of Object.keys(a).filter((n) => !n.startsWith('dec.'))) {
    const x = a[name]!.dataSync();
    const y = b[name]?.dataSync();
    if (!y || y.length !== x.length || x.some((v, i) => v !== y[i])) return name;
  }
  return Object.keys(b).find((n) => !n.startsWith('dec.') && !(n in a));
}

export async function joinDecoders(first: string, others: string[], out: string): Promise<{ decoders: number; params: number }> {
  const base = await readModel(first);
  if (Object.keys(base.weights).some((n) => n.startsWith('ensemble'))) throw new Error(`${first}: already an ensemble; join single models`);
  let weights = base.weights;
  const members: string[] = [];
  for (const [i, dir] of others.entries()) {
    const other = await readModel(dir);
    if (JSON.stringify(other.config.decoder) !== JSON.stringify(base.config.decoder)) throw new Error(`${dir}: its decoder's configuration differs from ${first}'s`);
    const differs = sharedDifference(base.weights, other.weights);
    if (differs) throw new Error(`${dir}: weight ${differs} differs from ${first}'s; members must share the image encoder and retriever (train the decoder on a copy of its stage 1–2)`);
    weights = withDecoderMember(weights, other.weights, i + 1);
    members.push(other.config.trainedOn);
    disposeWeights(Object.fromEntries(Object.entries(other.weights).filter(([n]) => !n.startsWith('dec.'))));
  }
  await saveCheckpoint(out, 'model', weights, {});
  const config: ModelConfig = { ...base.config, ensemble: members };
  await writeFile(join(out, 'config.json'), `${JSON.stringify(config, null, 1)}\n`);
  for (const file of ['tokenizer.json', 'passages.jsonl']) await copyFile(join(first, file), join(out, file));
  const params = Object.values(weights).reduce((n, w) => n + w.size, 0);
  disposeWeights(weights);
  return { decoders: others.length + 1, params };
}
