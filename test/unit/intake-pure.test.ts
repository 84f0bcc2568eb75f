/** Pure intake functions against hand-computed values. */
import { describe, expect, it } from 'vitest';
import { planarToInterleaved, ybrFullToRgb } from '../../src/intake/color.ts';
import { decodeRle } from '../../src/intake/dicom/codecs/rle.ts';
import { maskToBitsStored, readStored, unpackBits } from '../../src/intake/dicom/storedValues.ts';
import { sniffRawDataSet } from '../../src/intake/dicom/parseHeader.ts';
import { greyValues, modalityStats, toModality } from '../../src/intake/modality.ts';
import { rgbaToDecoded, sniffRaster } from '../../src/intake/raster.ts';
import { sliceNormal } from '../../src/intake/series.ts';
import type { ImageHeader } from '../../src/intake/types.ts';

const header = (over: Partial<ImageHeader>): ImageHeader => ({
  transferSyntax: '1.2.840.10008.1.2.1', rows: 1, columns: 1, frames: 1, samplesPerPixel: 1, photometric: 'MONOCHROME2',
  bitsAllocated: 16, bitsStored: 16, highBit: 15, pixelRepresentation: 0, planarConfiguration: 0, slope: 1, intercept: 0, patient: {},
  ...over,
});

describe('modality values (eq. 8)', () => {
  it('applies slope and intercept frame by frame', () => {
    const out = toModality([new Int16Array([0, 10]), new Int16Array([-5, 1])], 2, -1024);
    expect(Array.from(out)).toEqual([-1024, -1004, -1034, -1022]);
  });
  it('turns colour into grey for the models', () => {
    expect(Array.from(greyValues(new Float32Array([3, 6, 9, 0, 0, 3]), 3))).toEqual([6, 1]);
  });
  it('computes min, max and mean', () => {
    expect(modalityStats(new Float32Array([1, -3, 8]))).toEqual({ min: -3, max: 8, mean: 2 });
    expect(modalityStats(new Float32Array([]))).toEqual({ min: 0, max: 0, mean: 0 });
  });
});

describe('stored values', () => {
  it('reads little- and big-endian 16-bit words', () => {
    const bytes = new Uint8Array([0x01, 0x02, 0xff, 0xff]);
    expect(Array.from(readStored(bytes, header({}), 2, false))).toEqual([0x0201, 0xffff]);
    expect(Array.from(readStored(bytes, header({}), 2, true))).toEqual([0x0102, 0xffff]);
    expect(Array.from(readStored(bytes, header({ pixelRepresentation: 1 }), 2, false))).toEqual([0x0201, -1]);
  });
  it('masks to BitsStored and sign-extends 12-bit signed values', () => {
    // 0xF800 with 12 bits stored, high bit 11: the top nibble is garbage, 0x800 is the sign → −2048.
    const h = header({ bitsStored: 12, highBit: 11, pixelRepresentation: 1 });
    expect(Array.from(maskToBitsStored(new Int16Array([0x7800 - 0x10000 + 0x8000, 0x07ff, 0x0fff]), h))).toEqual([-2048, 2047, -1]);
    const u = header({ bitsStored: 12, highBit: 11 });
    expect(Array.from(maskToBitsStored(new Uint16Array([0xf123]), u))).toEqual([0x123]);
  });
  it('unpacks 1-bit samples least significant bit first, from a bit offset', () => {
    expect(Array.from(unpackBits(new Uint8Array([0b00000101]), 0, 4))).toEqual([1, 0, 1, 0]);
    expect(Array.from(unpackBits(new Uint8Array([0b10000000, 0b00000001]), 7, 3))).toEqual([1, 1, 0]);
  });
});

describe('RLE (PackBits segments)', () => {
  /** A 64-byte RLE header followed by the given segments. */
  function rleFrame(segments: number[][]): Uint8Array {
    const head = new Uint8Array(64);
    const view = new DataView(head.buffer);
    view.setUint32(0, segments.length, true);
    let offset = 64;
    segments.forEach((s, i) => {
      view.setUint32(4 + 4 * i, offset, true);
      offset += s.length;
    });
    return new Uint8Array([...head, ...segments.flat()]);
  }
  it('decodes literal and replicate runs of one 8-bit segment', () => {
    // literal 2 bytes (header 1), then 0x09 repeated 3 times (header −2 = 0xfe).
    expect(Array.from(decodeRle(rleFrame([[1, 7, 8, 0xfe, 9]]), 5, 1, 8))).toEqual([7, 8, 9, 9, 9]);
  });
  it('puts the high-byte segment first and interleaves 16-bit samples little-endian', () => {
    const out = decodeRle(rleFrame([[1, 0x01, 0x02], [1, 0x03, 0x04]]), 2, 1, 16);
    expect(Array.from(new Uint16Array(out.buffer))).toEqual([0x0103, 0x0204]);
  });
  it('refuses a segment count that does not match the pixel format', () => {
    expect(() => decodeRle(rleFrame([[0, 1]]), 1, 3, 8)).toThrow(/3 sample/);
  });
  it('refuses a segment that ends early', () => {
    expect(() => decodeRle(rleFrame([[0, 1]]), 4, 1, 8)).toThrow(expect.objectContaining({ code: 'truncated-pixel-data' }));
  });
});

describe('colour', () => {
  it('interleaves planar samples', () => {
    expect(Array.from(planarToInterleaved(new Uint8Array([1, 2, 10, 20, 100, 200]), 2, (n) => new Uint8Array(n)))).toEqual([1, 10, 100, 2, 20, 200]);
  });
  it('converts YBR_FULL to RGB (grey stays grey, pure red round-trips)', () => {
    expect(Array.from(ybrFullToRgb(new Uint8Array([77, 128, 128])))).toEqual([77, 77, 77]);
    // Red (255,0,0) in full-range BT.601: Y = 76.245, Cb = 84.97, Cr = 255.5 → clamps back to red.
    expect(Array.from(ybrFullToRgb(new Uint8Array([76, 85, 255])))).toEqual([254, 0, 0]);
  });
});

describe('sniffing', () => {
  it('tells PNG, JPEG and raw DICOM data sets apart', () => {
    expect(sniffRaster(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe('png');
    expect(sniffRaster(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toBe('jpeg');
    expect(sniffRaster(new TextEncoder().encode('hello'))).toBeUndefined();
    // (0008,0005) CS … is explicit; (0008,0005) followed by a 4-byte length is implicit.
    expect(sniffRawDataSet(new Uint8Array([0x08, 0, 0x05, 0, 0x43, 0x53, 10, 0]))).toBe('1.2.840.10008.1.2.1');
    expect(sniffRawDataSet(new Uint8Array([0x08, 0, 0x05, 0, 10, 0, 0, 0]))).toBe('1.2.840.10008.1.2');
    expect(sniffRawDataSet(new TextEncoder().encode('%PDF-1.7'))).toBeUndefined();
  });
  it('keeps a picture grey when R = G = B, else RGB without alpha', () => {
    const grey = rgbaToDecoded('g.png', 'png', { width: 2, height: 1, rgba: new Uint8Array([5, 5, 5, 255, 9, 9, 9, 0]) });
    expect(grey.header.samplesPerPixel).toBe(1);
    expect(Array.from(grey.stored[0]!)).toEqual([5, 9]);
    const rgb = rgbaToDecoded('c.png', 'png', { width: 1, height: 1, rgba: new Uint8Array([1, 2, 3, 255]) });
    expect(rgb.header.photometric).toBe('RGB');
    expect(Array.from(rgb.stored[0]!)).toEqual([1, 2, 3]);
  });
});

describe('slice geometry', () => {
  it('the normal (row × column direction) of axial orientation is +z, of coronal (column −z) is +y', () => {
    expect(sliceNormal([1, 0, 0, 0, 1, 0]).map((v) => v + 0)).toEqual([0, 0, 1]);
    expect(sliceNormal([1, 0, 0, 0, 0, -1]).map((v) => v + 0)).toEqual([0, 1, 0]);
  });
});
