/**
 * DICOM RLE Lossless (PS3.5 annex G): a 64-byte header of up to 15 segment offsets, each segment a
 * PackBits stream of one byte plane (most significant byte first, one plane set per sample).
 * No maintained package decodes it standalone (cornerstone's decoder is internal to its loader), and the
 * format is small enough to read here; tests compare it with the uncompressed fixture.
 */
import { IntakeError } from '../../errors.ts';

/** Decodes one PackBits segment into `out` at `offset` with stride `stride`; returns pixels written. */
function unpackSegment(src: Uint8Array, start: number, end: number, out: Uint8Array, offset: number, stride: number, pixels: number): number {
  let pos = start;
  let written = 0;
  while (pos < end && written < pixels) {
    const n = (src[pos++]! << 24) >> 24; // signed header byte
    if (n >= 0) {
      // Literal run of n + 1 bytes.
      const count = Math.min(n + 1, pixels - written, end - pos);
      for (let i = 0; i < count; i++) out[offset + (written++) * stride] = src[pos++]!;
    } else if (n !== -128) {
      // Replicate the next byte 1 − n times.
      const value = src[pos++]!;
      const count = Math.min(1 - n, pixels - written);
      for (let i = 0; i < count; i++) out[offset + (written++) * stride] = value;
    }
  }
  return written;
}

/**
 * Returns the frame's bytes in little-endian native layout (samples interleaved), ready to be viewed as
 * the stored typed array.
 */
export function decodeRle(frame: Uint8Array, pixels: number, samplesPerPixel: number, bitsAllocated: number): Uint8Array {
  const bytesPerSample = bitsAllocated / 8;
  const segments = samplesPerPixel * bytesPerSample;
  if (frame.length < 64) throw new IntakeError('truncated-pixel-data', 'RLE frame shorter than its 64-byte header');
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const count = view.getUint32(0, true);
  if (count !== segments) {
    throw new IntakeError('decode-failed', `RLE frame has ${count} segments, expected ${segments} for ${samplesPerPixel} sample(s) of ${bitsAllocated} bits`);
  }
  const offsets = Array.from({ length: count }, (_, i) => view.getUint32(4 + 4 * i, true));
  const out = new Uint8Array(pixels * segments);
  for (let s = 0; s < count; s++) {
    const sample = Math.floor(s / bytesPerSample);
    const byteInSample = bytesPerSample - 1 - (s % bytesPerSample); // segment 0 = most significant byte
    const start = offsets[s]!;
    const end = s + 1 < count ? offsets[s + 1]! : frame.length;
    if (start < 64 || start > frame.length || end < start) throw new IntakeError('decode-failed', `RLE segment ${s} has an invalid offset`);
    const written = unpackSegment(frame, start, end, out, sample * bytesPerSample + byteInSample, segments, pixels);
    if (written < pixels) throw new IntakeError('truncated-pixel-data', `RLE segment ${s} holds ${written} of ${pixels} pixels`);
  }
  return out;
}
