/** The bytes of each frame as stored in the file: sliced from native pixel data or gathered from fragments. */
import type { DataSet, Element } from 'dicom-parser';
import { IntakeError } from '../errors.ts';
import type { ImageHeader } from '../types.ts';
import { dicomParser } from './parseHeader.ts';

/** Bits one frame occupies in native (uncompressed) pixel data. */
export function frameBits(h: ImageHeader): number {
  return h.rows * h.columns * h.samplesPerPixel * h.bitsAllocated;
}

/**
 * Native frames. 1-bit data (segmentations) is packed across frame boundaries, so frames are returned as
 * whole bytes only when they are byte aligned; otherwise the full buffer goes back with a bit offset.
 */
export function nativeFrames(ds: DataSet, el: Element, h: ImageHeader): { bytes: Uint8Array; bitOffset: number }[] {
  const bits = frameBits(h);
  const needed = Math.ceil((bits * h.frames) / 8);
  const available = Math.min(el.length, ds.byteArray.length - el.dataOffset);
  if (available < needed) {
    throw new IntakeError(
      'truncated-pixel-data',
      `pixel data shorter than Rows × Columns × Samples × BitsAllocated × Frames says: ${available} of ${needed} bytes`,
    );
  }
  const all = ds.byteArray.subarray(el.dataOffset, el.dataOffset + needed);
  return Array.from({ length: h.frames }, (_, f) => {
    const startBit = f * bits;
    const start = Math.floor(startBit / 8);
    return { bytes: all.subarray(start, Math.ceil((startBit + bits) / 8)), bitOffset: startBit % 8 };
  });
}

/** Encapsulated frames (PS3.5 A.4): by basic offset table, one fragment per frame, or all fragments for one frame. */
export function encapsulatedFrames(ds: DataSet, el: Element, h: ImageHeader): Uint8Array[] {
  const fragments = el.fragments ?? [];
  if (fragments.length === 0) throw new IntakeError('truncated-pixel-data', 'encapsulated pixel data has no fragments');
  const last = fragments[fragments.length - 1]!;
  if (last.position + last.length > ds.byteArray.length) {
    throw new IntakeError('truncated-pixel-data', 'the last pixel data fragment runs past the end of the file');
  }
  if (h.frames === 1) return [dicomParser.readEncapsulatedPixelDataFromFragments(ds, el, 0, fragments.length)];
  if (el.basicOffsetTable && el.basicOffsetTable.length === h.frames) {
    return Array.from({ length: h.frames }, (_, f) => dicomParser.readEncapsulatedImageFrame(ds, el, f));
  }
  if (fragments.length === h.frames) {
    return Array.from({ length: h.frames }, (_, f) => dicomParser.readEncapsulatedPixelDataFromFragments(ds, el, f, 1));
  }
  // No offset table and several fragments per frame: JPEG frames can be found by their markers.
  const table = dicomParser.createJPEGBasicOffsetTable(ds, el);
  if (table.length !== h.frames) {
    throw new IntakeError('decode-failed', `cannot split ${fragments.length} fragments into ${h.frames} frames`);
  }
  return Array.from({ length: h.frames }, (_, f) => dicomParser.readEncapsulatedImageFrame(ds, el, f, table));
}
