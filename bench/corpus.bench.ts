/**
 * Rendering training studies straight to arrays (256 × 256, 20–28 slices, no files): median ms per study
 * and the time for 5,000 studies, measured on TUWEN_BENCH_STUDIES studies (default 100) and projected
 * when fewer than 5,000 were rendered. Then the image encoder's input per study (resampling to 32 × 128 × 128
 * and two windows), without and with the nodule filter's channel (`--dot-filter`), and the fixed filters'
 * region maxima on the study's own slices (`--filter-features`), and the stored values' conversion to HU
 * they start from.
 */
import { generateStudy, studyGrid, studyModality } from '../src/corpus/study.ts';
import { DOT_FILTER } from '../src/inference/dotFilter.ts';
import { regionFilterMaxima } from '../src/inference/filterMaxima.ts';
import { DEFAULT_IMAGE_ENCODER, regionGrid } from '../src/inference/models/imageEncoder.ts';
import { encoderChannels, resample } from '../src/inference/preprocess.ts';
import { median } from './stats.ts';

export async function corpusBench(): Promise<void> {
  const count = Number(process.env.TUWEN_BENCH_STUDIES ?? 100);
  const times: number[] = [];
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    generateStudy(90210, i);
    times.push(performance.now() - t);
  }
  const total = (performance.now() - started) / 1000;
  const per5000 = (total / count) * 5000;
  console.log(`\nCorpus rendering to arrays (256², Node ${process.version}, one core), ${count} studies`);
  console.log(`  median ${median(times).toFixed(1)} ms/study, mean ${((total / count) * 1000).toFixed(1)} ms/study`);
  console.log(`  5,000 studies: ${(per5000 / 60).toFixed(1)} min${count < 5000 ? ' (projected)' : ' (measured)'}; budget 10 min → ratio ${(per5000 / 600).toFixed(2)}`);

  // Modality values (HU) worked out beforehand: rendering does that once for the input and the filters.
  const toHu: number[] = [];
  const volumes = Array.from({ length: Math.min(count, 20) }, (_, i) => generateStudy(90210, i)).map((st) => {
    const t = performance.now();
    const hu = studyModality(st);
    toHu.push(performance.now() - t);
    return { hu, grid: studyGrid(st) };
  });
  console.log(`\nStored values to HU (studyModality, once per rendered study): median ${median(toHu).toFixed(1)} ms/study`);
  const input = (dot: boolean) => median(volumes.map((v) => {
    const t = performance.now();
    encoderChannels(resample(v.hu, v.grid, DEFAULT_IMAGE_ENCODER.grid), DEFAULT_IMAGE_ENCODER.grid, dot ? { dot: DOT_FILTER } : {});
    return performance.now() - t;
  }));
  const plain = input(false);
  const withDot = input(true);
  console.log(`\nEncoder input (32 × 128 × 128), ${volumes.length} studies: median ${plain.toFixed(1)} ms/study with two windows, ${withDot.toFixed(1)} ms with the nodule filter (× ${(withDot / plain).toFixed(2)}); 2,000 studies on 2 render threads: +${((2000 * (withDot - plain)) / 2 / 60000).toFixed(1)} min`);
  const maxima = median(volumes.map((v) => {
    const t = performance.now();
    regionFilterMaxima(v.hu, v.grid, DEFAULT_IMAGE_ENCODER.grid, regionGrid(DEFAULT_IMAGE_ENCODER));
    return performance.now() - t;
  }));
  console.log(`Fixed filters' region maxima (--filter-features, on the study's slices at 128²): median ${maxima.toFixed(1)} ms/study (× ${(maxima / plain).toFixed(2)} the two-window input); 2,000 studies on 2 render threads: +${((2000 * maxima) / 2 / 60000).toFixed(1)} min`);
}
