/**
 * Fuzzing the intake (seeded): DICOM fixtures with bit flips, truncation, length fields and VRs changed,
 * bytes (tags) cut out and huge Rows/Columns claims; PNG/JPEG with flips, truncation and chunk damage.
 * Every case must decode or fail with an IntakeError whose cause is the data (a parser's message, a codec's
 * code) — never a bug in our code (TypeError, ReferenceError), never a hang, never an allocation past the
 * stated limits.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Random } from '../../src/corpus/random.ts';
import { IntakeError } from '../../src/intake/errors.ts';
import { decodeFile } from '../../src/intake/intake.ts';
import { LIMITS } from '../../src/intake/limits.ts';
import { nodeIntakeEnv } from '../../src/platform/node.ts';
import { MUTATIONS } from '../fuzz/mutations.ts';

const DIR = join(import.meta.dirname, '../fixtures');
const sources = ['dicom', 'generated'].flatMap((d) =>
  readdirSync(join(DIR, d))
    .filter((f) => /\.(dcm|png|jpg)$/.test(f))
    .map((f) => ({ name: f, bytes: new Uint8Array(readFileSync(join(DIR, d, f))) })),
);

describe('intake fuzzing', () => {
  it('≥ 1,000 mutated files: each decodes or fails cleanly, quickly, within the limits', async () => {
    const env = nodeIntakeEnv();
    const rand = new Random(20261122);
    const counts = { cases: 0, decoded: 0, cleanErrors: 0, bugs: 0, slowest: 0 };
    const byCode: Record<string, number> = {};
    const bugs: string[] = [];
    const names = Object.keys(MUTATIONS);
    for (let round = 0; counts.cases < 1050; round++) {
      for (const source of sources) {
        const kind = names[(round + counts.cases) % names.length]!;
        const bytes = MUTATIONS[kind]!(rand, source.bytes);
        const label = `${source.name} / ${kind} #${counts.cases}`;
        counts.cases++;
        const started = performance.now();
        try {
          const image = await decodeFile({ name: source.name, bytes }, env);
          const values = image.stored.reduce((n, f) => n + f.length, 0);
          expect(values, label).toBeLessThanOrEqual(LIMITS.maxVoxels);
          counts.decoded++;
        } catch (err) {
          if (!(err instanceof IntakeError)) {
            bugs.push(`${label}: escaped as ${String(err)}`);
          } else if (err.underlying instanceof TypeError || err.underlying instanceof ReferenceError || err.underlying instanceof SyntaxError) {
            bugs.push(`${label}: ${err.code} caused by ${(err.underlying as Error).stack?.split("\n").slice(0, 4).join(" ← ")}`);
          } else {
            counts.cleanErrors++;
            byCode[err.code] = (byCode[err.code] ?? 0) + 1;
          }
        }
        counts.slowest = Math.max(counts.slowest, performance.now() - started);
      }
    }
    counts.bugs = bugs.length;
    console.log(`intake fuzzing: ${JSON.stringify(counts)}; errors by code ${JSON.stringify(byCode)}`);
    expect(bugs).toEqual([]);
    expect(counts.slowest).toBeLessThan(5000);
  }, 300_000);
});
