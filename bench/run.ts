/** `npm run bench`: every benchmark, printed as medians and ratios (never asserted: timings are not tests). */
import { browserBench } from './browser.bench.ts';
import { corpusBench } from './corpus.bench.ts';
import { decodeBench } from './decode.bench.ts';
import { trainingBench } from './training.bench.ts';

await decodeBench();
await corpusBench();
await browserBench();
await trainingBench();
