/** Training checkpoints on disk: weights (float32, tfjs manifest format) and the trainer's own state. */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeWeightFile, encodeWeightFile, type WeightSpec } from '../inference/models/weightFiles.ts';
import type { Weights } from '../inference/models/weights.ts';

/** The weights are read at the call, before the first await; callers await it so two saves never interleave. */
export async function saveCheckpoint(dir: string, name: string, weights: Weights, state: object): Promise<void> {
  const file = encodeWeightFile(weights, false);
  const stateJson = JSON.stringify({ specs: file.specs, state }, null, 1) + '\n';
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, `${name}.bin`), file.data);
  await writeFile(join(dir, `${name}.json`), stateJson);
}

/** The checkpoint's JSON half: weight specs and trainer state; undefined if there is none. */
async function readMeta<S>(dir: string, name: string): Promise<{ specs: WeightSpec[]; state: S } | undefined> {
  const meta = await readFile(join(dir, `${name}.json`), 'utf8').catch(() => undefined);
  return meta === undefined ? undefined : (JSON.parse(meta) as { specs: WeightSpec[]; state: S });
}

export async function loadCheckpoint<S>(dir: string, name: string): Promise<{ weights: Weights; state: S } | undefined> {
  const meta = await readMeta<S>(dir, name);
  if (meta === undefined) return undefined;
  const data = new Uint8Array(await readFile(join(dir, `${name}.bin`)));
  return { weights: decodeWeightFile({ specs: meta.specs, data }), state: meta.state };
}

/** A checkpoint's trainer state alone (its weights are not read); undefined if there is none. */
export async function readCheckpointState<S>(dir: string, name: string): Promise<S | undefined> {
  return (await readMeta<S>(dir, name))?.state;
}
