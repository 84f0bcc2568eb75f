/**
 * DICOM decode speed per transfer syntax, in Node through the same intake code as the page: median
 * milliseconds per file and per MB of decoded stored pixels, and each syntax's ratio to uncompressed
 * Explicit VR Little Endian.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TRANSFER_SYNTAXES } from '../src/intake/dicom/transferSyntax.ts';
import { decodeFile } from '../src/intake/intake.ts';
import { nodeIntakeEnv } from '../src/platform/node.ts';
import { median, timeRuns } from './stats.ts';

const FIXTURES = fileURLToPath(new URL('../test/fixtures/', import.meta.url));
const FILES = [
  'dicom/CT_small.dcm',
  'dicom/MR_small.dcm',
  'dicom/MR_small_implicit.dcm',
  'dicom/MR_small_bigendian.dcm',
  'generated/MR_small_deflate.dcm',
  'dicom/MR_small_RLE.dcm',
  'generated/MR_small_jpeg_lossless_sv1.dcm',
  'dicom/MR_small_jpeg_ls_lossless.dcm',
  'dicom/MR_small_jp2klossless.dcm',
  'dicom/JPGExtended.dcm',
  'generated/CT_small_jpeg_baseline.dcm',
  'dicom/693_J2KI.dcm',
];

export async function decodeBench(runs = 15): Promise<void> {
  const env = nodeIntakeEnv();
  const rows: { file: string; syntax: string; msPerFile: number; msPerMB: number }[] = [];
  for (const path of FILES) {
    const input = { name: path, bytes: new Uint8Array(readFileSync(FIXTURES + path)) };
    const image = await decodeFile(input, env);
    const decodedMB = image.stored.reduce((n, f) => n + f.byteLength, 0) / 2 ** 20;
    const ms = median(await timeRuns(() => decodeFile(input, env), runs));
    rows.push({ file: path.split('/')[1]!, syntax: TRANSFER_SYNTAXES[image.header.transferSyntax]!.name, msPerFile: ms, msPerMB: ms / decodedMB });
  }
  const base = rows.find((r) => r.file === 'MR_small.dcm')!.msPerMB;
  console.log(`\nDICOM decode, Node ${process.version}, median of ${runs} runs (MB = decoded stored pixels)`);
  console.log('file                              transfer syntax                      ms/file   ms/MB  × explicit LE');
  for (const r of rows) {
    console.log(`${r.file.padEnd(34)}${r.syntax.padEnd(37)}${r.msPerFile.toFixed(3).padStart(7)}${r.msPerMB.toFixed(1).padStart(8)}${(r.msPerMB / base).toFixed(1).padStart(14)}`);
  }
}
