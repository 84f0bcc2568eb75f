/**
 * DICOM bytes → dicom-parser DataSet + typed ImageHeader. Handles Part 10 files, files without the
 * 128-byte preamble and meta header (raw data sets), both endiannesses, and deflate.
 */
import * as dicomParserModule from 'dicom-parser';
import type { DataSet } from 'dicom-parser';
import { inflateSync } from 'fflate';
import { IntakeError } from '../errors.ts';
import type { ImageHeader } from '../types.ts';
import { EXPLICIT_LITTLE, IMPLICIT_LITTLE } from './transferSyntax.ts';

// dicom-parser is a UMD bundle: Node's ESM loader puts it on `default`, bundlers on the namespace.
export const dicomParser = ((dicomParserModule as { default?: typeof dicomParserModule }).default ?? dicomParserModule) as typeof dicomParserModule;

export interface ParsedDicom {
  dataSet: DataSet;
  header: ImageHeader;
  hasPixelData: boolean;
  /** The file ended before the data set did (dicom-parser read what was there). */
  truncated: boolean;
}

/** True when the bytes carry the Part 10 signature "DICM" after the preamble. */
export function hasPart10Signature(bytes: Uint8Array): boolean {
  return bytes.length >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d;
}

/**
 * A raw data set (no preamble) starts with a group-0008 (or 0002) element; the VR letters right after
 * the tag tell explicit from implicit encoding.
 */
export function sniffRawDataSet(bytes: Uint8Array): string | undefined {
  if (bytes.length < 8) return undefined;
  const group = bytes[0]! | (bytes[1]! << 8);
  if (group !== 0x0008 && group !== 0x0002) return undefined;
  const vr = String.fromCharCode(bytes[4]!, bytes[5]!);
  return /^[A-Z]{2}$/.test(vr) ? EXPLICIT_LITTLE : IMPLICIT_LITTLE;
}

/** dicom-parser's deflate hook: keep the header bytes, inflate the rest (raw deflate, PS3.5 A.5). */
function inflater(byteArray: Uint8Array, position: number): Uint8Array {
  const inflated = inflateSync(byteArray.subarray(position));
  const full = new Uint8Array(position + inflated.length);
  full.set(byteArray.subarray(0, position), 0);
  full.set(inflated, position);
  return full;
}

export function parseDicom(bytes: Uint8Array): ParsedDicom {
  const rawSyntax = hasPart10Signature(bytes) ? undefined : sniffRawDataSet(bytes);
  if (!hasPart10Signature(bytes) && !rawSyntax) {
    throw new IntakeError('not-an-image', 'not a DICOM file (no DICM signature, no data set) and not a PNG or JPEG image');
  }
  let dataSet: DataSet;
  let truncated = false;
  try {
    const options = { inflater: inflater as NonNullable<dicomParserModule.ParseDicomOptions['inflater']>, ...(rawSyntax ? { TransferSyntaxUID: rawSyntax } : {}) };
    dataSet = dicomParser.parseDicom(bytes, options);
  } catch (err) {
    // dicom-parser throws strings, or { exception, dataSet } when the file ends early: a data set that
    // got as far as the pixel data is a truncated image, which deserves its own message.
    const partial = typeof err === 'object' && err && 'dataSet' in err ? (err as { dataSet: DataSet }).dataSet : undefined;
    if (partial?.elements['x7fe00010']) {
      dataSet = partial;
      truncated = true;
    } else {
      const detail = typeof err === 'object' && err && 'exception' in err ? String((err as { exception: unknown }).exception) : String(err);
      throw new IntakeError(partial ? 'truncated-pixel-data' : 'not-an-image', `the DICOM data set cannot be read: ${detail}`);
    }
  }
  const pixel = dataSet.elements['x7fe00010'];
  return { dataSet, header: readHeader(dataSet), hasPixelData: pixel !== undefined && (pixel.length > 0 || !!pixel.fragments), truncated };
}

function str(ds: DataSet, tag: string): string | undefined {
  const v = ds.string(tag);
  return v === undefined || v === '' ? undefined : v;
}

/** The index-th value of a DS/IS element. Not dicom-parser's floatString: it throws when the index is past the values (seen by the fuzz test). */
function num(ds: DataSet, tag: string, index = 0): number | undefined {
  const part = ds.string(tag)?.split('\\')[index];
  const v = part === undefined ? NaN : parseFloat(part);
  return Number.isNaN(v) ? undefined : v;
}

function nums<N extends number>(ds: DataSet, tag: string, n: N): number[] | undefined {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = num(ds, tag, i);
    if (v === undefined) return undefined;
    out.push(v);
  }
  return out;
}

function us(ds: DataSet, tag: string): number | undefined {
  return ds.elements[tag] ? ds.uint16(tag) : undefined;
}

function readHeader(ds: DataSet): ImageHeader {
  const framesText = str(ds, 'x00280008');
  return {
    transferSyntax: str(ds, 'x00020010') ?? IMPLICIT_LITTLE,
    sopClassUid: str(ds, 'x00080016'),
    modality: str(ds, 'x00080060'),
    rows: us(ds, 'x00280010') ?? 0,
    columns: us(ds, 'x00280011') ?? 0,
    frames: framesText ? Math.max(1, Number.parseInt(framesText, 10) || 1) : 1,
    samplesPerPixel: us(ds, 'x00280002') ?? 1,
    photometric: str(ds, 'x00280004') ?? 'MONOCHROME2',
    bitsAllocated: us(ds, 'x00280100') ?? 0,
    bitsStored: us(ds, 'x00280101') ?? us(ds, 'x00280100') ?? 0,
    highBit: us(ds, 'x00280102') ?? (us(ds, 'x00280101') ?? 1) - 1,
    pixelRepresentation: us(ds, 'x00280103') === 1 ? 1 : 0,
    planarConfiguration: us(ds, 'x00280006') === 1 ? 1 : 0,
    slope: num(ds, 'x00281053') ?? 1,
    intercept: num(ds, 'x00281052') ?? 0,
    windowCenter: num(ds, 'x00281050'),
    windowWidth: num(ds, 'x00281051'),
    pixelSpacing: nums(ds, 'x00280030', 2) as [number, number] | undefined,
    sliceThickness: num(ds, 'x00180050'),
    imagePosition: nums(ds, 'x00200032', 3) as [number, number, number] | undefined,
    imageOrientation: nums(ds, 'x00200037', 6) as ImageHeader['imageOrientation'],
    instanceNumber: ds.intString('x00200013'),
    seriesInstanceUid: str(ds, 'x0020000e'),
    studyInstanceUid: str(ds, 'x0020000d'),
    seriesDescription: str(ds, 'x0008103e'),
    studyDate: str(ds, 'x00080020'),
    manufacturer: str(ds, 'x00080070'),
    patient: {
      name: str(ds, 'x00100010'),
      id: str(ds, 'x00100020'),
      birthDate: str(ds, 'x00100030'),
      sex: str(ds, 'x00100040'),
    },
  };
}
