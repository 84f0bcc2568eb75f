/**
 * Files → the opened study: decoded, assembled into one volume, its modality values kept for the models
 * and a view of it for the page (stored frames, to be transferred rather than copied).
 */
import type { Grid } from '../inference/preprocess.ts';
import { decodeFile, type IntakeEnv } from '../intake/intake.ts';
import { greyValues } from '../intake/modality.ts';
import { assembleVolume } from '../intake/series.ts';
import type { DecodedImage, StoredPixels } from '../intake/types.ts';
import type { StudyView } from './protocol.ts';

function storedRange(frames: StoredPixels[]): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const frame of frames) {
    for (let i = 0; i < frame.length; i++) {
      const v = frame[i]!;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  return { min, max };
}

/** `onProgress(done, total, file)`: before each file is decoded, and once (done = total) before assembling. */
export async function openStudy(
  files: { name: string; bytes: ArrayBuffer }[],
  env: IntakeEnv,
  onProgress: (done: number, total: number, file?: string) => void,
): Promise<{ current: { modality: Float32Array; grid: Grid }; study: StudyView; transfer: ArrayBuffer[] }> {
  const started = performance.now();
  const images: DecodedImage[] = [];
  for (const [i, file] of files.entries()) {
    onProgress(i, files.length, file.name);
    images.push(await decodeFile({ name: file.name, bytes: new Uint8Array(file.bytes) }, env));
  }
  onProgress(files.length, files.length);
  const volume = assembleVolume(images);
  const current = { modality: greyValues(volume.modality, volume.samplesPerPixel), grid: { depth: volume.depth, height: volume.height, width: volume.width } };
  // The page needs no Float32 modality values (the viewer maps stored values itself), so they are not sent.
  const { modality: _notSent, ...view } = volume;
  const study: StudyView = { ...view, storedRange: storedRange(volume.stored), decodeMs: performance.now() - started };
  return { current, study, transfer: volume.stored.map((f) => f.buffer as ArrayBuffer) };
}
