/** Raw frame bytes → typed stored values: endianness, sign, BitsStored masking, 1-bit unpacking. */
import type { ImageHeader, StoredPixels } from '../types.ts';

/** A typed array of the right width and signedness for the header's BitsAllocated / PixelRepresentation. */
export function allocateStored(h: Pick<ImageHeader, 'bitsAllocated' | 'pixelRepresentation'>, length: number): StoredPixels {
  const signed = h.pixelRepresentation === 1;
  switch (h.bitsAllocated) {
    case 1:
    case 8:
      return signed && h.bitsAllocated === 8 ? new Int8Array(length) : new Uint8Array(length);
    case 16:
      return signed ? new Int16Array(length) : new Uint16Array(length);
    default:
      return signed ? new Int32Array(length) : new Uint32Array(length);
  }
}

/** Unpacks 1-bit samples (least significant bit first, PS3.5 D.2) starting `bitOffset` bits in. */
export function unpackBits(bytes: Uint8Array, bitOffset: number, count: number): Uint8Array {
  const out = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const bit = bitOffset + i;
    out[i] = (bytes[bit >> 3]! >> (bit & 7)) & 1;
  }
  return out;
}

/**
 * Reads `count` samples of BitsAllocated bits from `bytes`, then keeps only BitsStored bits (sign-extended
 * when PixelRepresentation is 1), since bits above HighBit may hold overlays or garbage.
 */
export function readStored(bytes: Uint8Array, h: ImageHeader, count: number, bigEndian: boolean): StoredPixels {
  const out = allocateStored(h, count);
  const bytesPer = h.bitsAllocated / 8;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const little = !bigEndian;
  for (let i = 0; i < count; i++) {
    const at = i * bytesPer;
    out[i] = bytesPer === 1 ? bytes[at]! : bytesPer === 2 ? view.getUint16(at, little) : view.getUint32(at, little);
  }
  return maskToBitsStored(out, h);
}

/** Applies BitsStored/HighBit to stored values already in a typed array of BitsAllocated width. */
export function maskToBitsStored(values: StoredPixels, h: ImageHeader): StoredPixels {
  const { bitsStored, bitsAllocated, highBit } = h;
  if (bitsStored >= bitsAllocated || bitsAllocated === 1) return values;
  const shift = highBit + 1 - bitsStored;
  const mask = 2 ** bitsStored - 1;
  const signBit = 2 ** (bitsStored - 1);
  const signed = h.pixelRepresentation === 1;
  for (let i = 0; i < values.length; i++) {
    // Work on the raw bit pattern: unsigned view of the value, then shift down, mask, sign-extend.
    const raw = values[i]! < 0 ? values[i]! + 2 ** bitsAllocated : values[i]!;
    let v = Math.floor(raw / 2 ** shift) % (mask + 1);
    if (signed && v >= signBit) v -= 2 * signBit;
    values[i] = v;
  }
  return values;
}
