/** Every public fixture against the reference decoder's values in expected.json. */
import { describe, expect, it } from 'vitest';
import { decodeFile } from '../../src/intake/intake.ts';
import { modalityStats, toModality } from '../../src/intake/modality.ts';
import type { DecodedImage } from '../../src/intake/types.ts';
import { nodeIntakeEnv } from '../../src/platform/node.ts';
import { EXPECTED, fixture } from '../helpers/fixtures.ts';

const env = nodeIntakeEnv();
const decode = (path: string) => decodeFile(fixture(path), env);
const stats = (img: DecodedImage) => modalityStats(toModality(img.stored, img.header.slope, img.header.intercept));

const ERROR_CODES: Record<string, string> = {
  'MR_truncated.dcm': 'truncated-pixel-data',
  'rtplan.dcm': 'no-pixel-data',
  'test-SR.dcm': 'no-pixel-data',
};

describe('public DICOM fixtures', () => {
  const withStats = Object.entries(EXPECTED).filter(([, e]) => e.modalityStats);
  it.each(withStats)('%s: min and max equal the reference, mean within 1e-3 relative', async (name, e) => {
    const img = await decode(`dicom/${name}`);
    const s = stats(img);
    expect(s.min).toBe(e.modalityStats!.min);
    expect(s.max).toBe(e.modalityStats!.max);
    expect(Math.abs(s.mean - e.modalityStats!.mean) / Math.abs(e.modalityStats!.mean)).toBeLessThan(1e-3);
    expect(img.header.rows).toBe(e.rows);
    expect(img.header.columns).toBe(e.columns);
    expect(img.header.slope).toBe(e.rescaleSlope);
    expect(img.header.intercept).toBe(e.rescaleIntercept);
  });

  it.each(['MR_small_jp2klossless.dcm', 'MR_small_jpeg_ls_lossless.dcm', 'MR_small_RLE.dcm', 'MR_small_bigendian.dcm', 'MR_small_implicit.dcm'])(
    '%s decodes identical to MR_small.dcm',
    async (name) => {
      const [reference, other] = await Promise.all([decode('dicom/MR_small.dcm'), decode(`dicom/${name}`)]);
      expect(Array.from(other.stored[0]!)).toEqual(Array.from(reference.stored[0]!));
    },
  );

  const lossy = Object.entries(EXPECTED).filter(([, e]) => e.comment?.startsWith('lossy'));
  it.each(lossy)('%s (lossy) decodes at the right size', async (name, e) => {
    const img = await decode(`dicom/${name}`);
    expect(img.stored).toHaveLength(1);
    expect(img.stored[0]).toHaveLength(e.rows! * e.columns! * e.samplesPerPixel!);
    const s = stats(img);
    expect(s.max).toBeGreaterThan(s.min); // an image, not a blank frame
  });

  it('lists every error fixture here', () => {
    const errorFixtures = Object.entries(EXPECTED).filter(([, e]) => e.expect.startsWith('error')).map(([k]) => k);
    expect(errorFixtures.sort()).toEqual(Object.keys(ERROR_CODES).sort());
  });

  it.each(Object.entries(ERROR_CODES))('%s gives its specific error (%s)', async (name, code) => {
    await expect(decode(`dicom/${name}`)).rejects.toMatchObject({ name: 'IntakeError', code });
  });

  it('the SEG object decodes as a 0/1 image', async () => {
    const img = await decode('dicom/liver_1frame.dcm');
    expect(img.header.bitsAllocated).toBe(1);
    expect(new Set(img.stored[0])).toEqual(new Set([0, 1]));
  });
});

describe('generated encodings of MR_small (dcmtk)', () => {
  it.each([
    ['MR_small_deflate.dcm', '1.2.840.10008.1.2.1.99'],
    ['MR_small_raw_explicit.dcm', '1.2.840.10008.1.2.1'],
    ['MR_small_raw_implicit.dcm', '1.2.840.10008.1.2'],
    ['MR_small_jpeg_lossless_sv1.dcm', '1.2.840.10008.1.2.4.70'],
    ['MR_small_jpeg_lossless_p14.dcm', '1.2.840.10008.1.2.4.57'],
  ])('%s (%s) decodes identical to MR_small.dcm', async (name, syntax) => {
    const [reference, other] = await Promise.all([decode('dicom/MR_small.dcm'), decode(`generated/${name}`)]);
    expect(other.header.transferSyntax).toBe(syntax);
    expect(Array.from(other.stored[0]!)).toEqual(Array.from(reference.stored[0]!));
  });

  it('JPEG baseline with a fractional RescaleSlope lands near the original HU', async () => {
    const [reference, jpeg] = await Promise.all([decode('dicom/CT_small.dcm'), decode('generated/CT_small_jpeg_baseline.dcm')]);
    expect(jpeg.header.slope).toBeCloseTo(16.05882, 5);
    const a = toModality(reference.stored, reference.header.slope, reference.header.intercept);
    const b = toModality(jpeg.stored, jpeg.header.slope, jpeg.header.intercept);
    let err = 0;
    for (let i = 0; i < a.length; i++) err += Math.abs(a[i]! - b[i]!);
    // dcmtk squeezed 2,063 HU into 8 bits (16 HU a step): mean error stays within a few steps.
    expect(err / a.length).toBeLessThan(40);
  });
});
