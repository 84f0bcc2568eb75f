/** The frozen-feature cache: a second read returns exactly what the first rendered, and another encoder misses it. */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initImageEncoder, type ImageEncoderConfig } from '../../src/inference/models/imageEncoder.ts';
import { cachedStudies, isStudyCached, type StudySource } from '../../src/training/studyCache.ts';

beforeAll(async () => {
  expect(await tf.setBackend('wasm')).toBe(true);
});

const image: ImageEncoderConfig = { grid: { depth: 16, height: 64, width: 64 }, channels: 2, widths: [4, 8, 8], findingTypes: 9 };

describe('study cache', () => {
  it('reads back the rendered studies unchanged; a different encoder has its own entry', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tuwen-cache-'));
    const source: StudySource = { seed: 5, n: 12, size: 64, image, imageWeights: initImageEncoder(image, 1) };
    expect(isStudyCached(dir, 'train', source)).toBe(false);
    const rendered = await cachedStudies(dir, 'train', source);
    expect(rendered.length).toBeGreaterThan(3);
    expect(rendered.some((s) => s.findings.length > 0)).toBe(true);
    expect(isStudyCached(dir, 'train', source)).toBe(true);
    const read = await cachedStudies(dir, 'train', source);
    expect(read).toEqual(rendered);

    const other: StudySource = { ...source, imageWeights: initImageEncoder(image, 2) };
    expect(isStudyCached(dir, 'train', other)).toBe(false);
    const reencoded = await cachedStudies(dir, 'train', other);
    expect(reencoded.map((s) => s.id)).toEqual(rendered.map((s) => s.id));
    expect(reencoded[0]!.features.regions).not.toEqual(rendered[0]!.features.regions);
    expect(readdirSync(dir).filter((f) => f.endsWith('.bin'))).toHaveLength(2);
  }, 60_000);
});
