/**
 * The demo studies shipped in public/samples: a normal study and one of each kind of finding worth
 * showing, picked from a fixed seed, written as 128 × 128 DICOM series (small enough to ship) with a
 * key-slice thumbnail and an index the page reads. Each is rendered at the corpus's 256² and area-averaged to
 * 128², which is what the encoder's preprocessing makes of a corpus study: rendered at 128² directly, a
 * slice carries the per-pixel noise of a 256² one, twice what the model learnt from, and the retrieval model
 * misread two of the seven (docs/models.md, "Known limits").
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { resample } from '../inference/preprocess.ts';
import { writeSeries } from './dicomSeries.ts';
import { keySliceIndex, keySlicePng } from './keySlice.ts';
import type { FindingType, SliceBox } from './schema.ts';
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

/**
 * The study with each slice's 2 × 2 blocks averaged by the encoder's own area averaging (`resample`): half
 * the size, twice the pixel spacing, the same field of view; boxes halved, labels kept where any voxel of a
 * block has one.
 */
export function halvedStudy(s: Study): Study {
  const n = s.phantom.size;
  const h = n / 2;
  const slices = s.phantom.sliceZ.length;
  const stored = Int16Array.from(resample(Float32Array.from(s.stored), { depth: slices, height: n, width: n }, { depth: slices, height: h, width: h }), Math.round);
  const labels = new Uint8Array(slices * h * h);
  for (let k = 0; k < slices; k++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < h; x++) labels[k * h * h + y * h + x] = Math.max(...[0, 1, n, n + 1].map((d) => s.labels[k * n * n + 2 * y * n + 2 * x + d]!));
  const findings = s.findings.map((f) => ({ ...f, boxes: f.boxes.map((b) => ({ ...b, box: b.box.map((v) => Math.floor(v / 2)) as SliceBox['box'] })) }));
  return { ...s, phantom: { ...s.phantom, size: h, spacingMm: s.phantom.spacingMm * 2 }, stored, labels, findings };
}

function only(s: Study, type: FindingType): boolean {
  return s.findings.length === 1 && s.findings[0]!.type === type;
}

export async function writeSamples(out: string): Promise<SampleEntry[]> {
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  const entries: SampleEntry[] = [];
  for (const wanted of WANTED) {
    for (let index = 0; index < 2000; index++) {
      const rendered = generateStudy(SAMPLE_SEED, index, { size: 256 });
      if (!wanted.accept(rendered) || entries.some((e) => e.id === rendered.id)) continue;
      const study = halvedStudy(rendered);
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

