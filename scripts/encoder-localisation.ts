/**
 * How often the frozen image encoder's pretraining head peaks on each finding (`src/eval/encoderLocalisation.ts`),
 * on a split of the corpus the encoder did not train on: overall and per finding type; and how often the
 * type output names the finding's lobe through P(lobe | region) counted on the training split (`headLobe`).
 * Then the head as a study-level detector (`studyScores`): per type, the AUC of studies with it against
 * studies without it, and how many findings the text omits it detects at 5 % false alarms. Last, how often
 * each fixed filter's largest response per region (`regionFilterMaxima`, what `--filter-features` hands the
 * decoder; the encoder plays no part) peaks on each finding among the regions of its side (`sidePeakHits`).
 * With `--lesions DIR` (a run with a lesion-classifier.best checkpoint), the same for the lesion detector's
 * probability of the finding's own type (`regionLesionMaxima`), which the page's decoding weighs omitted lobes by.
 *   npx tsx scripts/encoder-localisation.ts --model models/retrieval-v16 [--seed 1] [--n 2000] [--split val|all] [--lesions DIR]
 * (`--split all`: every study of the seed, for a fresh seed the encoder never saw.)
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { parseArgs } from 'node:util';
import { FINDING_TYPES } from '../src/corpus/schema.ts';
import { generateStudy, studyGrid, studyModality, type Study } from '../src/corpus/study.ts';
import { SPLITS, splitOf } from '../src/corpus/splits.ts';
import { detectedAt, headPeakHits, rocAuc, sidePeakHits, studyScores, tallyHeadPeaks } from '../src/eval/encoderLocalisation.ts';
import { DEFAULT_IMAGE_ENCODER, encodeImage, imageEncoderMismatch, regionGrid, regionLogits, withDeepStem, withDotFilter, withThresholds, type ImageEncoderConfig } from '../src/inference/models/imageEncoder.ts';
import { FILTER_COUNT, filterMaps, regionMaxima } from '../src/inference/filterMaxima.ts';
import { studyLesionMaxima } from '../src/inference/lesions/regionLesions.ts';
import { loadCheckpoint } from '../src/training/checkpoint.ts';
import { imageBatch, imageExample } from '../src/training/imageExamples.ts';
import { regionLobeTable } from '../src/training/regionLobes.ts';
import { mapSplit } from '../src/training/studies.ts';

const { values } = parseArgs({ options: { model: { type: 'string' }, seed: { type: 'string', default: '1' }, n: { type: 'string', default: '2000' }, split: { type: 'string', default: 'val' }, lesions: { type: 'string' } } });
if (!values.model) throw new Error('--model DIR (a training directory with image-encoder.best) is required');
if (![...SPLITS, 'all'].includes(values.split)) throw new Error(`--split ${values.split}: use one of ${[...SPLITS, 'all'].join(', ')}`);
await tf.setBackend('wasm');
const saved = await loadCheckpoint(values.model, 'image-encoder.best');
if (!saved) throw new Error(`${values.model}: no image-encoder.best checkpoint`);
const w = saved.weights;
// The options the encoder was trained with show in its weights: region-mixing layers, lobe outputs, input channels, the deep stem, region maxima.
const mixing = Object.keys(w).filter((k) => /^img\.mix_regions\d+\.kernel$/.test(k)).length;
const lobes = w['img.head.kernel']!.shape.at(-1)! - DEFAULT_IMAGE_ENCODER.findingTypes - 1;
const options: ImageEncoderConfig = { ...DEFAULT_IMAGE_ENCODER, ...(mixing ? { regionMixing: mixing } : {}), ...(lobes ? { lobes } : {}), ...(w['img.region_max.kernel'] ? { regionMax: true } : {}) };
const trained = w['img.conv4.kernel'] ? withDeepStem(options) : options; // a fourth convolution is the deep stem's
// Input channels beyond the windows: one is the nodule filter's, two the thresholds', three both.
const extra = w['img.conv1.kernel']!.shape[3]! - trained.channels;
const thresholded = extra >= 2 ? withThresholds(trained) : trained;
const config = extra % 2 === 1 ? withDotFilter(thresholded) : thresholded;
const mismatch = imageEncoderMismatch(w, config);
if (mismatch) throw new Error(`${values.model}: the encoder does not match the default widths: ${mismatch}`);
const r = regionGrid(config);
const detector = values.lesions ? (await loadCheckpoint(values.lesions, 'lesion-classifier.best'))?.weights : undefined;
if (values.lesions && !detector) throw new Error(`${values.lesions}: no lesion-classifier.best checkpoint`);
const shape = [r.depth, r.height, r.width] as const;
const table = regionLobeTable(mapSplit(Number(values.seed), Number(values.n), 'train', 256, (s) => ({ findings: s.findings, volume: studyGrid(s) })), [...shape]);
/** Each study of the split in turn (one at a time: the detector awaits its probabilities). */
async function eachStudy<T>(map: (s: Study) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < Number(values.n); i++) if (values.split === 'all' || splitOf(Number(values.seed), i) === values.split) out.push(await map(generateStudy(Number(values.seed), i, { size: 256 })));
  return out;
}
const studies = await eachStudy(async (study) => {
  const logits = tf.tidy(() => regionLogits(w, encodeImage(w, config, imageBatch([imageExample(study, config)]))).dataSync());
  const modality = studyModality(study);
  const maps = filterMaps(modality, studyGrid(study), config.grid);
  const maxima = regionMaxima(maps, r);
  const filters = Array.from({ length: FILTER_COUNT }, (_, f) => sidePeakHits(maxima.filter((_, i) => i % FILTER_COUNT === f), shape, studyGrid(study), study.findings));
  const omitted = study.omission?.what === 'finding' ? study.findings[study.omission.finding]!.type : undefined;
  // The detector's map for each finding's own type: its peak on the finding's side.
  const lesionMaps = detector ? await studyLesionMaxima(detector, modality, studyGrid(study), maps, r) : undefined;
  const lesions = lesionMaps && study.findings.map((f) => sidePeakHits(lesionMaps.filter((_, i) => i % FINDING_TYPES.length === FINDING_TYPES.indexOf(f.type)), shape, studyGrid(study), [f])[0]!);
  return { hits: headPeakHits(logits, shape, config, studyGrid(study), study.findings, table), filters, lesions, scores: studyScores(logits, config), types: study.findings.map((f) => f.type), omitted };
});
const hits = studies.flatMap((s) => s.hits);
const pct = (x: number) => (100 * x).toFixed(1).padStart(6);
console.log(`${values.model}: head peak on the finding, seed ${values.seed}, n ${values.n}, ${values.split} split`);
console.log(`${'finding type'.padEnd(20)}     n  type output  "any finding"  lobe named (n in a lobe)`);
const tallies = tallyHeadPeaks(hits);
const tally = Object.entries(tallies).sort(([a], [b]) => (a === 'all' ? -1 : b === 'all' ? 1 : a.localeCompare(b)));
for (const [type, t] of tally) console.log(`${type.padEnd(20)} ${String(t.n).padStart(5)}  ${pct(t.typePeak)} %     ${pct(t.anyPeak)} %     ${t.inLobe ? `${pct(t.lobe)} % (${t.inLobe})` : '—'}`);
const all = tallies['all']!;
console.log(`The table's ceiling: the lobe named from each finding's own regions, ${pct(all.lobeCeiling)} % of ${all.inLobe}`);

console.log(`\nThe head as a study-level detector (largest σ over the regions), ${studies.length} studies`);
console.log(`${'finding type'.padEnd(20)}  with  without    AUC   text omits it: n, detected at 5 % false alarms`);
for (const [k, type] of [...FINDING_TYPES, 'any finding'].entries()) {
  // Output k scores one finding type, or (the last) any finding at all.
  const counts = (t: string) => k === FINDING_TYPES.length || t === type;
  const has = (s: (typeof studies)[number]) => s.types.some(counts);
  const negatives = studies.filter((s) => !has(s)).map((s) => s.scores[k]!);
  const positives = studies.filter(has).map((s) => s.scores[k]!);
  const omitted = studies.filter((s) => s.omitted !== undefined && counts(s.omitted)).map((s) => s.scores[k]!);
  console.log(`${type.padEnd(20)} ${String(positives.length).padStart(5)} ${String(negatives.length).padStart(8)}  ${rocAuc(positives, negatives).toFixed(3)}   ${omitted.length}, ${detectedAt(omitted, negatives, 0.05)}`);
}

console.log(`\nThe fixed filters' largest response per region (regionFilterMaxima), given the finding's side: peaks on the finding${detector ? '; and the lesion detector\'s probability of the finding\'s type (regionLesionMaxima)' : ''}`);
console.log(`${'finding type'.padEnd(20)}     n  nodule filter  ground-glass filter${detector ? '  lesion detector' : ''}`);
for (const type of ['all', ...FINDING_TYPES]) {
  const of = studies.flatMap((s) => s.types.flatMap((t, i) => (type === 'all' || t === type ? [[...s.filters.map((hits) => hits[i]!), s.lesions?.[i] ?? false]] : [])));
  const rate = (f: number) => pct(of.filter((hits) => hits[f]).length / of.length);
  if (of.length) console.log(`${type.padEnd(20)} ${String(of.length).padStart(5)}  ${rate(0)} %       ${rate(1)} %${detector ? `          ${rate(2)} %` : ''}`);
}
