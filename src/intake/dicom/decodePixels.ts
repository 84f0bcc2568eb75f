/** Decodes every frame of a parsed DICOM object into stored values, whatever its transfer syntax. */
import JpegImage from '@abasb75/jpegjs';
import { Decoder as JpegLosslessDecoder } from '@cornerstonejs/jpeg-lossless-decoder-js';
import { planarToInterleaved, ybrFullToRgb } from '../color.ts';
import { IntakeError, toIntakeError } from '../errors.ts';
import { LIMITS } from '../limits.ts';
import type { ImageHeader, StoredPixels } from '../types.ts';
import { decodeRle } from './codecs/rle.ts';
import { decodeWithWasm } from './codecs/wasmCodec.ts';
import { encapsulatedFrames, nativeFrames } from './frames.ts';
import type { ParsedDicom } from './parseHeader.ts';
import { allocateStored, maskToBitsStored, readStored, unpackBits } from './storedValues.ts';
import { TRANSFER_SYNTAXES, type TransferSyntaxInfo } from './transferSyntax.ts';

const SUPPORTED_PHOTOMETRIC = ['MONOCHROME1', 'MONOCHROME2', 'RGB', 'YBR_FULL', 'YBR_FULL_422', 'YBR_RCT', 'YBR_ICT'];

/** Rejects headers we cannot or must not decode, before any allocation. */
export function checkPixelHeader(h: ImageHeader): TransferSyntaxInfo {
  const ts = TRANSFER_SYNTAXES[h.transferSyntax];
  if (!ts) throw new IntakeError('unsupported-transfer-syntax', `transfer syntax ${h.transferSyntax} is not supported`);
  if (h.rows <= 0 || h.columns <= 0) throw new IntakeError('unsupported-pixel-format', `image size ${h.columns}×${h.rows} is empty`);
  if (![1, 8, 16, 32].includes(h.bitsAllocated)) {
    throw new IntakeError('unsupported-pixel-format', `BitsAllocated ${h.bitsAllocated} is not supported (1, 8, 16 or 32)`);
  }
  if (h.bitsStored < 1 || h.bitsStored > h.bitsAllocated || h.highBit >= h.bitsAllocated) {
    throw new IntakeError('unsupported-pixel-format', `BitsStored ${h.bitsStored} / HighBit ${h.highBit} do not fit BitsAllocated ${h.bitsAllocated}`);
  }
  if (h.samplesPerPixel !== 1 && h.samplesPerPixel !== 3) {
    throw new IntakeError('unsupported-pixel-format', `SamplesPerPixel ${h.samplesPerPixel} is not supported (1 or 3)`);
  }
  if (!SUPPORTED_PHOTOMETRIC.includes(h.photometric)) {
    throw new IntakeError('unsupported-pixel-format', `photometric interpretation ${h.photometric} is not supported`);
  }
  if (ts.codec === 'native' && h.photometric === 'YBR_FULL_422') {
    throw new IntakeError('unsupported-pixel-format', 'uncompressed YBR_FULL_422 (chroma-subsampled) pixel data is not supported');
  }
  const voxels = h.rows * h.columns * h.frames * h.samplesPerPixel;
  if (voxels > LIMITS.maxVoxels) {
    throw new IntakeError('volume-too-large', `${h.columns}×${h.rows}×${h.frames} frames is over the limit of ${LIMITS.maxVoxels} values`);
  }
  return ts;
}

/** Decodes all frames; colour comes back as interleaved RGB whatever the file's layout and colour space. */
export async function decodePixels(parsed: ParsedDicom): Promise<StoredPixels[]> {
  const h = parsed.header;
  const ts = checkPixelHeader(h);
  const el = parsed.dataSet.elements['x7fe00010']!;
  const pixels = h.rows * h.columns;
  const count = pixels * h.samplesPerPixel;
  let stored: StoredPixels[];
  try {
    if (ts.codec === 'native') {
      if (el.encapsulatedPixelData) throw new IntakeError('decode-failed', 'native transfer syntax but encapsulated pixel data');
      stored = nativeFrames(parsed.dataSet, el, h).map(({ bytes, bitOffset }) =>
        h.bitsAllocated === 1 ? unpackBits(bytes, bitOffset, count) : readStored(bytes, h, count, !!ts.bigEndian),
      );
    } else {
      if (!el.encapsulatedPixelData) throw new IntakeError('decode-failed', `${ts.name} needs encapsulated pixel data`);
      stored = [];
      for (const frame of encapsulatedFrames(parsed.dataSet, el, h)) stored.push(await decodeCompressed(frame, h, ts));
    }
  } catch (err) {
    throw toIntakeError(err);
  }
  return toRgbIfColour(h, ts, stored);
}

async function decodeCompressed(frame: Uint8Array, h: ImageHeader, ts: TransferSyntaxInfo): Promise<StoredPixels> {
  const count = h.rows * h.columns * h.samplesPerPixel;
  switch (ts.codec) {
    case 'rle':
      return readStored(decodeRle(frame, h.rows * h.columns, h.samplesPerPixel, h.bitsAllocated), { ...h, planarConfiguration: 0 }, count, false);
    case 'jpeg': {
      const jpeg = new JpegImage();
      jpeg.parse(frame);
      checkSize(jpeg.width, jpeg.height, h);
      // 16-bit containers hold 12-bit JPEG; colour JPEG is converted to RGB by the decoder.
      const data = h.bitsAllocated > 8 ? jpeg.getData16(h.columns, h.rows) : jpeg.getData(h.columns, h.rows);
      return copyInto(data, h, count);
    }
    case 'jpeg-lossless': {
      const decoded = new JpegLosslessDecoder().decode(frame.buffer as ArrayBuffer, frame.byteOffset, frame.length, h.bitsAllocated <= 8 ? 1 : 2);
      return copyInto(decoded as ArrayLike<number>, h, count);
    }
    case 'jpeg-ls':
    case 'jpeg2000': {
      const out = await decodeWithWasm(ts.codec === 'jpeg-ls' ? 'charls' : 'openjpeg', frame);
      checkSize(out.width, out.height, h);
      const bytes = out.bitsPerSample > 8 ? 2 : 1;
      const view = bytes === 2 ? new Uint16Array(out.bytes.buffer, 0, out.bytes.length / 2) : out.bytes;
      return copyInto(view, h, count);
    }
    case 'native':
      throw new Error('unreachable: native frames are not compressed');
  }
}

function checkSize(width: number, height: number, h: ImageHeader): void {
  if (width !== h.columns || height !== h.rows) {
    throw new IntakeError('decode-failed', `compressed frame is ${width}×${height}, header says ${h.columns}×${h.rows}`);
  }
}

/** Codec output → the header's stored type, then BitsStored masking and sign extension. */
function copyInto(data: ArrayLike<number>, h: ImageHeader, count: number): StoredPixels {
  if (data.length < count) throw new IntakeError('truncated-pixel-data', `decoded frame has ${data.length} of ${count} samples`);
  const out = allocateStored(h, count);
  for (let i = 0; i < count; i++) out[i] = data[i]!;
  return maskToBitsStored(out, h);
}

/**
 * Colour images leave intake as interleaved RGB. JPEG codecs already undo YBR; native and RLE YBR_FULL
 * is converted here. Greyscale passes through.
 */
function toRgbIfColour(h: ImageHeader, ts: TransferSyntaxInfo, stored: StoredPixels[]): StoredPixels[] {
  if (h.samplesPerPixel !== 3) return stored;
  const pixels = h.rows * h.columns;
  // Codecs hand back interleaved samples; native data follows PlanarConfiguration.
  const planar = ts.codec === 'native' && h.planarConfiguration === 1;
  return stored.map((frame) => {
    const f = planar ? planarToInterleaved(frame, pixels, (n) => allocateStored(h, n)) : frame;
    return h.photometric === 'YBR_FULL' && (ts.codec === 'native' || ts.codec === 'rle') && f instanceof Uint8Array ? ybrFullToRgb(f) : f;
  });
}
