/** `npm run bench`: every benchmark, printed as medians and ratios (never asserted: timings are not tests). */
import { corpusBench } from './corpus.bench.ts';
import { decodeBench } from './decode.bench.ts';

await decodeBench();
await corpusBench();
