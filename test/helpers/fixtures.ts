/** Reading the repository's test fixtures (copied from the shared set; tests never read ../shared). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { InputFile } from '../../src/intake/types.ts';

export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

export function fixture(path: string): InputFile {
  return { name: path.split('/').pop()!, bytes: new Uint8Array(readFileSync(FIXTURES + path)) };
}

export interface ExpectedFixture {
  transferSyntaxUID: string;
  rows?: number;
  columns?: number;
  samplesPerPixel?: number;
  numberOfFrames?: number;
  rescaleSlope?: number;
  rescaleIntercept?: number;
  modalityStats?: { min: number; max: number; mean: number };
  expect: string;
  comment?: string;
}

export const EXPECTED: Record<string, ExpectedFixture> = Object.fromEntries(
  Object.entries(JSON.parse(readFileSync(FIXTURES + 'dicom/expected.json', 'utf8')) as Record<string, unknown>).filter(([k]) => k.endsWith('.dcm')),
) as Record<string, ExpectedFixture>;
