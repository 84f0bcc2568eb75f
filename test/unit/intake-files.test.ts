/** Whole-file intake: series assembly, multi-frame, pictures, and every kind of bad input. */
import { describe, expect, it } from 'vitest';
import { dicomParser } from '../../src/intake/dicom/parseHeader.ts';
import { decodeFile, openStudy } from '../../src/intake/intake.ts';
import { LIMITS } from '../../src/intake/limits.ts';
import { nodeIntakeEnv } from '../../src/platform/node.ts';
import { fixture } from '../helpers/fixtures.ts';

const env = nodeIntakeEnv();

/** Replaces the first occurrence of an ASCII string of the same length inside a file's bytes. */
function patchAscii(bytes: Uint8Array, from: string, to: string): Uint8Array {
  const text = Buffer.from(bytes).toString('latin1');
  const at = text.indexOf(from);
  if (at < 0 || from.length !== to.length) throw new Error(`cannot patch ${from}`);
  const out = bytes.slice();
  out.set(Buffer.from(to, 'latin1'), at);
  return out;
}

/** Finds an element header (group, element) in explicit little-endian bytes and returns its value offset. */
function findUs(bytes: Uint8Array, group: number, element: number): number {
  for (let i = 132; i + 8 < bytes.length; i++) {
    if (bytes[i] === (group & 0xff) && bytes[i + 1] === group >> 8 && bytes[i + 2] === (element & 0xff) && bytes[i + 3] === element >> 8 && bytes[i + 4] === 0x55 && bytes[i + 5] === 0x53) return i + 8;
  }
  throw new Error('element not found');
}

/**
 * MR_small turned into a 2-frame file: NumberOfFrames inserted before Rows, and a second frame (the first
 * plus 1) appended to the pixel data, whose length is doubled.
 */
function twoFrameMr(): Uint8Array {
  const src = fixture('dicom/MR_small.dcm').bytes;
  const pixel = dicomParser.parseDicom(src).elements['x7fe00010']!;
  const rowsTag = findUs(src, 0x0028, 0x0010) - 8;
  const numberOfFrames = new Uint8Array([0x28, 0x00, 0x08, 0x00, 0x49, 0x53, 0x02, 0x00, 0x32, 0x20]); // (0028,0008) IS "2 "
  const frameEnd = pixel.dataOffset + pixel.length;
  const second = new Int16Array(src.slice(pixel.dataOffset, frameEnd).buffer).map((v) => v + 1);
  const out = new Uint8Array([
    ...src.subarray(0, rowsTag),
    ...numberOfFrames,
    ...src.subarray(rowsTag, frameEnd),
    ...new Uint8Array(second.buffer),
    ...src.subarray(frameEnd),
  ]);
  new DataView(out.buffer).setUint32(pixel.dataOffset + numberOfFrames.length - 4, 2 * pixel.length, true);
  return out;
}

describe('series', () => {
  it('orders slices by position along the normal, not by file name or order given', async () => {
    const files = ['series_ct_1.dcm', 'series_ct_3.dcm', 'series_ct_2.dcm'].map((f) => fixture(`generated/${f}`));
    const v = await openStudy(files, env);
    expect(v.depth).toBe(3);
    expect(v.slicePositions).toEqual([-97.5, -95, -92.5]);
    expect(v.sliceFile.map((i) => v.fileNames[i])).toEqual(['series_ct_3.dcm', 'series_ct_2.dcm', 'series_ct_1.dcm']);
    expect(v.sliceSpacing).toBeCloseTo(2.5);
    expect(v.pixelSpacing).toEqual([0.661468, 0.661468]);
    expect(v.modality).toHaveLength(3 * 128 * 128);
  });
  it('refuses files of another series with a message naming both', async () => {
    const files = [fixture('generated/series_ct_1.dcm'), fixture('dicom/MR_small.dcm')];
    await expect(openStudy(files, env)).rejects.toMatchObject({ code: 'series-mismatch', message: expect.stringMatching(/series_ct_1\.dcm and MR_small\.dcm/) });
  });
  it('refuses two files at the same position', async () => {
    const files = [fixture('generated/series_ct_1.dcm'), { ...fixture('generated/series_ct_1.dcm'), name: 'copy.dcm' }];
    await expect(openStudy(files, env)).rejects.toMatchObject({ code: 'series-mismatch', message: expect.stringMatching(/same slice position/) });
  });
  it('a single picture is a one-slice volume', async () => {
    const v = await openStudy([fixture('generated/grey_gradient.png')], env);
    expect([v.width, v.height, v.depth, v.samplesPerPixel]).toEqual([48, 32, 1, 1]);
  });
});

describe('multi-frame', () => {
  it('splits native pixel data into frames', async () => {
    const img = await decodeFile({ name: 'two.dcm', bytes: twoFrameMr() }, env);
    expect(img.header.frames).toBe(2);
    expect(img.stored).toHaveLength(2);
    expect(img.stored[1]![0]).toBe(img.stored[0]![0]! + 1);
    const v = await openStudy([{ name: 'two.dcm', bytes: twoFrameMr() }], env);
    expect(v.depth).toBe(2);
  });
  it('refuses a multi-frame file mixed with other files', async () => {
    await expect(openStudy([{ name: 'two.dcm', bytes: twoFrameMr() }, fixture('dicom/MR_small.dcm')], env)).rejects.toMatchObject({ code: 'series-mismatch' });
  });
});

describe('pictures', () => {
  it('decodes grey PNG and JPEG, and a 16-bit colour PNG', async () => {
    const png = await decodeFile(fixture('generated/grey_gradient.png'), env);
    const jpg = await decodeFile(fixture('generated/grey_gradient.jpg'), env);
    const rgb = await decodeFile(fixture('generated/colour_gradient.png'), env);
    // ImageMagick's gradient runs top (black) to bottom (white).
    expect([png.source, png.header.samplesPerPixel, png.stored[0]![0], png.stored[0]![48 * 32 - 1]]).toEqual(['png', 1, 0, 255]);
    expect(jpg.header.samplesPerPixel).toBe(1);
    expect(Math.abs(jpg.stored[0]![48 * 32 - 1]! - 255)).toBeLessThan(6);
    expect(rgb.header.samplesPerPixel).toBe(3);
    expect(Array.from(rgb.stored[0]!.slice(0, 3))).toEqual([255, 0, 0]);
  });
});

describe('bad input gets a specific error', () => {
  it('0-byte file', async () => {
    await expect(decodeFile({ name: 'empty.dcm', bytes: new Uint8Array() }, env)).rejects.toMatchObject({ code: 'empty-file' });
  });
  it('neither DICOM nor a picture', async () => {
    const text = new TextEncoder().encode('患者主诉咳嗽两周。'.repeat(40));
    await expect(decodeFile({ name: 'notes.txt', bytes: text }, env)).rejects.toMatchObject({ code: 'not-an-image', message: expect.stringMatching(/notes\.txt/) });
  });
  it('a file over the size limit, refused before it is read', async () => {
    const big = new Uint8Array(LIMITS.maxFileBytes + 1);
    await expect(decodeFile({ name: 'big.dcm', bytes: big }, env)).rejects.toMatchObject({ code: 'file-too-large', message: expect.stringMatching(/512 MiB/) });
  });
  it('an unknown transfer syntax', async () => {
    const bytes = patchAscii(fixture('dicom/MR_small.dcm').bytes, '1.2.840.10008.1.2.1\0', '1.2.840.10008.1.2.9\0');
    await expect(decodeFile({ name: 'odd.dcm', bytes }, env)).rejects.toMatchObject({ code: 'unsupported-transfer-syntax', message: expect.stringMatching(/1\.2\.840\.10008\.1\.2\.9/) });
  });
  it('a huge Rows × Columns claim, refused before allocating', async () => {
    const bytes = fixture('dicom/MR_small.dcm').bytes.slice();
    const view = new DataView(bytes.buffer);
    view.setUint16(findUs(bytes, 0x0028, 0x0010), 65535, true);
    view.setUint16(findUs(bytes, 0x0028, 0x0011), 65535, true);
    await expect(decodeFile({ name: 'huge.dcm', bytes }, env)).rejects.toMatchObject({ code: 'volume-too-large' });
  });
  it('a PNG cut in half', async () => {
    const png = fixture('generated/grey_gradient.png').bytes;
    await expect(decodeFile({ name: 'half.png', bytes: png.subarray(0, png.length >> 1) }, env)).rejects.toMatchObject({ name: 'IntakeError' });
  });
  it('a JPEG-LS stream with its tail cut off', async () => {
    const bytes = fixture('dicom/MR_small_jpeg_ls_lossless.dcm').bytes;
    await expect(decodeFile({ name: 'cut.dcm', bytes: bytes.subarray(0, bytes.length - 2000) }, env)).rejects.toMatchObject({ name: 'IntakeError' });
  });
});
