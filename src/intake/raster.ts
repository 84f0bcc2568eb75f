/** PNG and JPEG photographs/screenshots: sniffed by signature, decoded by the platform's decoder. */
import { IntakeError } from './errors.ts';
import type { DecodedImage, ImageHeader } from './types.ts';

export type RasterKind = 'png' | 'jpeg';

/** RGBA pixels as a platform decoder returns them (the browser's createImageBitmap, pngjs in Node…). */
export interface RgbaImage {
  width: number;
  height: number;
  rgba: Uint8Array | Uint8ClampedArray;
}

export type RasterDecoder = (bytes: Uint8Array, kind: RasterKind) => Promise<RgbaImage>;

export function sniffRaster(bytes: Uint8Array): RasterKind | undefined {
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  return undefined;
}

/** The header a plain picture gets: 8-bit, no rescale; grey when every pixel has R = G = B. */
export function rasterHeader(width: number, height: number, grey: boolean): ImageHeader {
  return {
    transferSyntax: '',
    rows: height,
    columns: width,
    frames: 1,
    samplesPerPixel: grey ? 1 : 3,
    photometric: grey ? 'MONOCHROME2' : 'RGB',
    bitsAllocated: 8,
    bitsStored: 8,
    highBit: 7,
    pixelRepresentation: 0,
    planarConfiguration: 0,
    slope: 1,
    intercept: 0,
    patient: {},
  };
}

/** RGBA → grey or RGB stored samples (alpha dropped: medical pictures are opaque). */
export function rgbaToDecoded(fileName: string, kind: RasterKind, img: RgbaImage): DecodedImage {
  const pixels = img.width * img.height;
  if (pixels === 0 || img.rgba.length < pixels * 4) throw new IntakeError('decode-failed', `${kind.toUpperCase()} image has no pixels`);
  let grey = true;
  for (let i = 0; i < pixels && grey; i++) {
    const r = img.rgba[4 * i]!;
    grey = r === img.rgba[4 * i + 1] && r === img.rgba[4 * i + 2];
  }
  const spp = grey ? 1 : 3;
  const out = new Uint8Array(pixels * spp);
  for (let i = 0; i < pixels; i++) {
    for (let c = 0; c < spp; c++) out[i * spp + c] = img.rgba[4 * i + c]!;
  }
  return { source: kind, fileName, header: rasterHeader(img.width, img.height, grey), stored: [out] };
}
