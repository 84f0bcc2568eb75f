/** `tuwen inspect FILE... [--series]`: what intake makes of each file, one JSON object per line. */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { decodeFile, openStudy } from '../intake/intake.ts';
import { toIntakeError } from '../intake/errors.ts';
import { modalityStats, toModality } from '../intake/modality.ts';
import type { InputFile } from '../intake/types.ts';
import { nodeIntakeEnv } from '../platform/node.ts';

async function readInput(path: string): Promise<InputFile> {
  return { name: basename(path), bytes: new Uint8Array(await readFile(path)) };
}

function errorRecord(file: string, err: unknown): object {
  const e = toIntakeError(err);
  return { file, ok: false, error: { code: e.code, message: e.message } };
}

/** One line per file, whatever its outcome: a bad file is a record with ok: false, never an exit. */
export async function inspectFiles(paths: string[], print: (line: string) => void): Promise<void> {
  const env = nodeIntakeEnv();
  for (const path of paths) {
    let record: object;
    try {
      const input = await readInput(path).catch((err: unknown) => {
        throw toIntakeError(err, 'unreadable-file');
      });
      const image = await decodeFile(input, env);
      const h = image.header;
      const stats = modalityStats(toModality(image.stored, h.slope, h.intercept));
      record = {
        file: path,
        ok: true,
        rows: h.rows,
        columns: h.columns,
        frames: image.stored.length,
        samplesPerPixel: h.samplesPerPixel,
        photometric: h.photometric,
        transferSyntax: h.transferSyntax || image.source,
        slope: h.slope,
        intercept: h.intercept,
        ...stats,
      };
    } catch (err) {
      record = errorRecord(path, err);
    }
    print(JSON.stringify(record));
  }
}

/** The files as one series: its order, positions and spacing, or why they do not fit together. */
export async function inspectSeries(paths: string[], print: (line: string) => void): Promise<void> {
  try {
    const inputs = await Promise.all(paths.map((p) => readInput(p).catch((err: unknown) => Promise.reject(toIntakeError(err, 'unreadable-file')))));
    const volume = await openStudy(inputs, nodeIntakeEnv());
    print(
      JSON.stringify({
        ok: true,
        files: volume.sliceFile.map((i) => paths[i]),
        slices: volume.depth,
        rows: volume.height,
        columns: volume.width,
        slicePositions: volume.slicePositions ?? null,
        sliceSpacing: volume.sliceSpacing ?? null,
        pixelSpacing: volume.pixelSpacing ?? null,
        ...volume.stats,
      }),
    );
  } catch (err) {
    print(JSON.stringify({ ...errorRecord(paths.join(' '), err), file: undefined, files: paths }));
  }
}
