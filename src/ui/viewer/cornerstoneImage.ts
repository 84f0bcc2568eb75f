/** One slice of a StudyView as the image object cornerstone-core displays. */
import type { Image } from 'cornerstone-core';
import type { StudyView } from '../../workers/protocol.ts';

/** cornerstone wants colour as RGBA bytes; intake gives interleaved RGB. */
export function rgbToRgba(rgb: ArrayLike<number>, pixels: number): Uint8Array {
  const out = new Uint8Array(pixels * 4);
  for (let i = 0; i < pixels; i++) {
    out[4 * i] = rgb[3 * i]!;
    out[4 * i + 1] = rgb[3 * i + 1]!;
    out[4 * i + 2] = rgb[3 * i + 2]!;
    out[4 * i + 3] = 255;
  }
  return out;
}

export function sliceImage(study: StudyView, slice: number, studyKey: string): Image {
  const h = study.header;
  const colour = study.samplesPerPixel === 3;
  const stored = study.stored[slice]!;
  const pixels = colour ? rgbToRgba(stored, study.width * study.height) : stored;
  const [rowSpacing, columnSpacing] = study.pixelSpacing ?? [1, 1];
  const image = {
    imageId: `tuwen:${studyKey}:${slice}`,
    // cornerstone builds its lookup table over the stored range and applies slope/intercept itself.
    minPixelValue: colour ? 0 : study.storedRange.min,
    maxPixelValue: colour ? 255 : study.storedRange.max,
    slope: colour ? 1 : h.slope,
    intercept: colour ? 0 : h.intercept,
    windowCenter: h.windowCenter ?? 0,
    windowWidth: h.windowWidth ?? 1,
    getPixelData: () => pixels,
    rows: study.height,
    columns: study.width,
    height: study.height,
    width: study.width,
    color: colour,
    rgba: false,
    columnPixelSpacing: columnSpacing,
    rowPixelSpacing: rowSpacing,
    // MONOCHROME1: low values are white. Inverted for display only; the values themselves stay as they are.
    invert: h.photometric === 'MONOCHROME1',
    sizeInBytes: pixels.byteLength,
  };
  // The declared Image type also lists optional canvas helpers that grey images do not need.
  return image as unknown as Image;
}
