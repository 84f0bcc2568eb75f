/** The transfer syntaxes Tuwen reads, and which decoder each needs. */

export type PixelCodec = 'native' | 'rle' | 'jpeg' | 'jpeg-lossless' | 'jpeg-ls' | 'jpeg2000';

export interface TransferSyntaxInfo {
  name: string;
  codec: PixelCodec;
  bigEndian?: boolean;
  deflated?: boolean;
  lossy?: boolean;
}

export const TRANSFER_SYNTAXES: Readonly<Record<string, TransferSyntaxInfo>> = {
  '1.2.840.10008.1.2': { name: 'Implicit VR Little Endian', codec: 'native' },
  '1.2.840.10008.1.2.1': { name: 'Explicit VR Little Endian', codec: 'native' },
  '1.2.840.10008.1.2.1.99': { name: 'Deflated Explicit VR Little Endian', codec: 'native', deflated: true },
  '1.2.840.10008.1.2.2': { name: 'Explicit VR Big Endian', codec: 'native', bigEndian: true },
  '1.2.840.10008.1.2.5': { name: 'RLE Lossless', codec: 'rle' },
  '1.2.840.10008.1.2.4.50': { name: 'JPEG Baseline (Process 1)', codec: 'jpeg', lossy: true },
  '1.2.840.10008.1.2.4.51': { name: 'JPEG Extended (Process 2 & 4)', codec: 'jpeg', lossy: true },
  '1.2.840.10008.1.2.4.57': { name: 'JPEG Lossless (Process 14)', codec: 'jpeg-lossless' },
  '1.2.840.10008.1.2.4.70': { name: 'JPEG Lossless SV1 (Process 14)', codec: 'jpeg-lossless' },
  '1.2.840.10008.1.2.4.80': { name: 'JPEG-LS Lossless', codec: 'jpeg-ls' },
  '1.2.840.10008.1.2.4.81': { name: 'JPEG-LS Near-Lossless', codec: 'jpeg-ls', lossy: true },
  '1.2.840.10008.1.2.4.90': { name: 'JPEG 2000 Lossless', codec: 'jpeg2000' },
  '1.2.840.10008.1.2.4.91': { name: 'JPEG 2000', codec: 'jpeg2000', lossy: true },
};

export const IMPLICIT_LITTLE = '1.2.840.10008.1.2';
export const EXPLICIT_LITTLE = '1.2.840.10008.1.2.1';

/** A readable name for the tags panel (unknown UIDs are shown as they are). */
export function transferSyntaxName(uid: string): string {
  return TRANSFER_SYNTAXES[uid]?.name ?? uid;
}
