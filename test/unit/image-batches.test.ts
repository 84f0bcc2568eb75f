/** Float batches made on the worker equal imageBatch's, in the order asked. */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { byteTable, bytesToFloats, ImageBatchConverter } from '../../src/training/imageBatches.ts';
import { imageBatch, type ImageExample } from '../../src/training/imageExamples.ts';

const example = (seed: number, length = 4096): ImageExample => ({
  id: `s${seed}`,
  image: Uint8Array.from({ length }, (_, i) => (i * 31 + seed * 17 + (i >> 7)) & 255),
  regionTargets: new Uint8Array(4),
  category: 0,
});

describe('image batches', () => {
  beforeAll(async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
  });

  it('bytesToFloats through the byte table is imageBatch, bit for bit, for every byte value', () => {
    const examples = [example(1), example(2), { ...example(3, 256), image: Uint8Array.from({ length: 256 }, (_, i) => i) }].map((e) => ({ ...e, image: e.image.subarray(0, 256) }));
    const expected = Array.from(imageBatch(examples).dataSync());
    expect(Array.from(bytesToFloats(examples.map((e) => e.image), byteTable()))).toEqual(expected);
  });

  describe('on a worker', () => {
    let converter: ImageBatchConverter;
    beforeAll(() => {
      converter = new ImageBatchConverter();
    });
    afterAll(() => converter.close());

    it('gives each batch back in order, equal to imageBatch, and keeps the caller’s images', async () => {
      const batches = [[example(4), example(5)], [example(6)], [example(7), example(8), example(9)]];
      const floats = await Promise.all(batches.map((b) => converter.convert(b.map((e) => e.image))));
      floats.forEach((values, i) => expect(Array.from(values)).toEqual(Array.from(imageBatch(batches[i]!).dataSync())));
      expect(batches[0]![0]!.image).toEqual(example(4).image);
    });

    it('refuses work once closed', async () => {
      const other = new ImageBatchConverter();
      await other.close();
      await expect(other.convert([example(1).image])).rejects.toThrow(/closed/);
    });
  });
});
