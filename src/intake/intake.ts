/**
 * Intake: files → decoded images → one volume. The entry point the worker and the CLI share; everything
 * platform-specific (codec wasm, PNG/JPEG decoding) is passed in.
 */
import { decodePixels } from './dicom/decodePixels.ts';
import { parseDicom } from './dicom/parseHeader.ts';
import { IntakeError, toIntakeError } from './errors.ts';
import { formatBytes, LIMITS } from './limits.ts';
import { rgbaToDecoded, sniffRaster, type RasterDecoder } from './raster.ts';
import { assembleVolume } from './series.ts';
import type { DecodedImage, InputFile, Volume } from './types.ts';

export interface IntakeEnv {
  decodeRaster: RasterDecoder;
}

/** Decodes one file (DICOM, PNG or JPEG). Throws only IntakeError. */
export async function decodeFile(file: InputFile, env: IntakeEnv): Promise<DecodedImage> {
  try {
    if (file.bytes.length === 0) throw new IntakeError('empty-file', `${file.name} is empty (0 bytes)`);
    if (file.bytes.length > LIMITS.maxFileBytes) {
      throw new IntakeError('file-too-large', `${file.name} is ${formatBytes(file.bytes.length)}; the limit is ${formatBytes(LIMITS.maxFileBytes)}`);
    }
    const raster = sniffRaster(file.bytes);
    if (raster) return rgbaToDecoded(file.name, raster, await env.decodeRaster(file.bytes, raster));
    const parsed = parseDicom(file.bytes);
    if (!parsed.hasPixelData) {
      const what = parsed.header.modality ? `a ${parsed.header.modality} object` : 'a DICOM object';
      throw new IntakeError('no-pixel-data', `${file.name} is ${what} without an image (no Pixel Data)`);
    }
    return { source: 'dicom', fileName: file.name, header: parsed.header, stored: await decodePixels(parsed) };
  } catch (err) {
    const e = toIntakeError(err);
    throw e.message.includes(file.name) ? e : new IntakeError(e.code, `${file.name}: ${e.message}`, e.underlying);
  }
}

/** Decodes the files and assembles them into one volume (a single image is a one-slice volume). */
export async function openStudy(files: InputFile[], env: IntakeEnv): Promise<Volume> {
  if (files.length === 0) throw new IntakeError('empty-file', 'no files given');
  if (files.length > LIMITS.maxFiles) throw new IntakeError('volume-too-large', `${files.length} files; the limit is ${LIMITS.maxFiles} per series`);
  const images: DecodedImage[] = [];
  for (const file of files) images.push(await decodeFile(file, env));
  try {
    return assembleVolume(images);
  } catch (err) {
    throw toIntakeError(err);
  }
}
