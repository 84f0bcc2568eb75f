/**
 * The demo studies shipped in public/samples: a normal study and one of each kind of finding worth
 * showing, picked from a fixed seed, written as 128 × 128 DICOM series (small enough to ship) with a
 * key-slice thumbnail and an index the page reads.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeSeries } from './dicomSeries.ts';
import { keySliceIndex, keySlicePng } from './keySlice.ts';
import type { FindingType } from './schema.ts';
import { generateStudy, type Study } from './study.ts';

export const SAMPLE_SEED = 2026;

export interface SampleEntry {
  id: string;
  label: { zh: string; en: string };
  files: string[];
  /** The slice (in position order) where the first-listed finding is largest: where the page opens. */
  keySlice: number;
  text: string;
  clinical: string;
  /** The corpus's reference impression, to compare with what the model writes. */
  reference: string;
}

const WANTED: { label: { zh: string; en: string }; accept: (s: Study) => boolean }[] = [
  { label: { zh: '正常', en: 'Normal' }, accept: (s) => s.findings.length === 0 },
  { label: { zh: '毛刺实性结节', en: 'Spiculated solid nodule' }, accept: (s) => only(s, 'solid-nodule') && s.findings[0]!.margin === '毛刺' && s.findings[0]!.sizeMm >= 10 },
  { label: { zh: '磨玻璃结节', en: 'Ground-glass nodule' }, accept: (s) => only(s, 'ground-glass-nodule') && s.findings[0]!.sizeMm >= 10 },
  { label: { zh: '肺肿块', en: 'Lung mass' }, accept: (s) => only(s, 'mass') },
  { label: { zh: '胸腔积液', en: 'Pleural effusion' }, accept: (s) => only(s, 'pleural-effusion') && s.findings[0]!.sizeMm >= 20 },
  { label: { zh: '实变', en: 'Consolidation' }, accept: (s) => only(s, 'consolidation') },
  { label: { zh: '多发病变（文本缺肺叶）', en: 'Several findings, text omits a lobe' }, accept: (s) => s.findings.length >= 2 && s.omission?.what === 'lobe' },
];

function only(s: Study, type: FindingType): boolean {
  return s.findings.length === 1 && s.findings[0]!.type === type;
}

export async function writeSamples(out: string, size = 128): Promise<SampleEntry[]> {
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  const entries: SampleEntry[] = [];
  for (const wanted of WANTED) {
    for (let index = 0; index < 2000; index++) {
      const study = generateStudy(SAMPLE_SEED, index, { size });
      if (!wanted.accept(study) || entries.some((e) => e.id === study.id)) continue;
      const dir = join(out, study.id);
      await mkdir(dir);
      const files = writeSeries(study, SAMPLE_SEED, index);
      for (const f of files) await writeFile(join(dir, f.name), f.bytes);
      await writeFile(join(out, `${study.id}.png`), keySlicePng(study));
      entries.push({ id: study.id, label: wanted.label, files: files.map((f) => f.name), keySlice: keySliceIndex(study), text: study.text, clinical: study.clinical, reference: study.summary });
      break;
    }
  }
  await writeFile(join(out, 'index.json'), JSON.stringify(entries, null, 1) + '\n');
  return entries;
}

