/**
 * Several decoded files → one volume. Slices are ordered by their position along the slice normal
 * (ImagePositionPatient · (row × column direction)), falling back to InstanceNumber, then file order.
 * Files that do not belong together (other series, size, orientation or pixel format) are refused.
 */
import { IntakeError } from './errors.ts';
import { modalityStats, toModality } from './modality.ts';
import type { DecodedImage, ImageHeader, Volume } from './types.ts';

export function sliceNormal(orientation: NonNullable<ImageHeader['imageOrientation']>): [number, number, number] {
  const [rx, ry, rz, cx, cy, cz] = orientation;
  return [ry * cz - rz * cy, rz * cx - rx * cz, rx * cy - ry * cx];
}

function dot(a: readonly number[], b: readonly number[]): number {
  return a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!;
}

/** Why two images cannot share a volume, or undefined when they can. */
function mismatch(a: DecodedImage, b: DecodedImage): string | undefined {
  const ha = a.header;
  const hb = b.header;
  if (ha.seriesInstanceUid && hb.seriesInstanceUid && ha.seriesInstanceUid !== hb.seriesInstanceUid) return 'they belong to different series (SeriesInstanceUID differs)';
  if (ha.rows !== hb.rows || ha.columns !== hb.columns) return `their sizes differ (${ha.columns}×${ha.rows} vs ${hb.columns}×${hb.rows})`;
  if (ha.samplesPerPixel !== hb.samplesPerPixel || ha.photometric !== hb.photometric) return 'their pixel formats differ';
  if (ha.slope !== hb.slope || ha.intercept !== hb.intercept) {
    // Different rescale per slice is legal DICOM, but the viewer maps one stored range: not supported yet.
    return 'their RescaleSlope/RescaleIntercept differ';
  }
  const oa = ha.imageOrientation;
  const ob = hb.imageOrientation;
  if (oa && ob && oa.some((v, i) => Math.abs(v - ob[i]!) > 1e-3)) return 'their orientations differ';
  return undefined;
}

interface Slice {
  file: number;
  image: DecodedImage;
  frame: number;
  position?: number;
}

export function assembleVolume(images: DecodedImage[]): Volume {
  const first = images[0];
  if (!first) throw new IntakeError('empty-file', 'no files given');
  for (const other of images.slice(1)) {
    const why = mismatch(first, other);
    if (why) throw new IntakeError('series-mismatch', `${first.fileName} and ${other.fileName} cannot form one series: ${why}`);
  }
  if (images.length > 1 && images.some((i) => i.header.frames > 1)) {
    throw new IntakeError('series-mismatch', 'a multi-frame file cannot be combined with other files; open it on its own');
  }
  const h = first.header;
  const normal = h.imageOrientation ? sliceNormal(h.imageOrientation) : undefined;
  const slices: Slice[] = images.flatMap((image, file) =>
    image.stored.map((_, frame) => ({
      file,
      image,
      frame,
      position: normal && image.header.imagePosition ? dot(image.header.imagePosition, normal) : undefined,
    })),
  );
  if (images.length > 1) {
    const byPosition = slices.every((s) => s.position !== undefined);
    slices.sort((a, b) =>
      byPosition ? a.position! - b.position! : (a.image.header.instanceNumber ?? 0) - (b.image.header.instanceNumber ?? 0),
    );
  }
  const duplicate = slices.findIndex((s, i) => i > 0 && s.position !== undefined && Math.abs(s.position - slices[i - 1]!.position!) < 1e-4);
  if (images.length > 1 && duplicate > 0) {
    throw new IntakeError('series-mismatch', `${slices[duplicate - 1]!.image.fileName} and ${slices[duplicate]!.image.fileName} lie at the same slice position`);
  }
  const stored = slices.map((s) => s.image.stored[s.frame]!);
  const modality = toModality(stored, h.slope, h.intercept);
  const positions = images.length > 1 && slices.every((s) => s.position !== undefined) ? slices.map((s) => s.position!) : undefined;
  return {
    source: first.source,
    fileNames: images.map((i) => i.fileName),
    sliceFile: slices.map((s) => s.file),
    header: h,
    width: h.columns,
    height: h.rows,
    depth: stored.length,
    samplesPerPixel: h.samplesPerPixel,
    modality,
    stored,
    slicePositions: positions,
    sliceSpacing: positions && positions.length > 1 ? medianGap(positions) : h.sliceThickness,
    pixelSpacing: h.pixelSpacing,
    stats: modalityStats(modality),
  };
}

function medianGap(positions: number[]): number {
  const gaps = positions.slice(1).map((p, i) => Math.abs(p - positions[i]!)).sort((a, b) => a - b);
  return gaps[Math.floor(gaps.length / 2)]!;
}
