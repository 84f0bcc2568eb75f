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

const DIR = join(import.meta.dirname, '../fixtures');
const sources = ['dicom', 'generated'].flatMap((d) =>
  readdirSync(join(DIR, d))
    .filter((f) => /\.(dcm|png|jpg)$/.test(f))
    .map((f) => ({ name: f, bytes: new Uint8Array(readFileSync(join(DIR, d, f))) })),
);

const VRS = ['US', 'SS', 'UL', 'OB', 'OW', 'SQ', 'UN', 'CS', 'DS', 'UT', 'FD'];

/** Offsets where a two-letter VR follows a tag (explicit VR data). */
function vrOffsets(b: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 132; i + 2 < b.length && out.length < 400; i++) {
    const vr = String.fromCharCode(b[i]!, b[i + 1]!);
    if (VRS.includes(vr) && i >= 4) out.push(i);
  }
  return out;
}

/** Offsets of a (gggg,eeee) tag in little endian. */
function tagOffsets(b: Uint8Array, group: number, element: number): number[] {
  const out: number[] = [];
  for (let i = 0; i + 4 < b.length; i++) if (b[i] === (group & 0xff) && b[i + 1] === group >> 8 && b[i + 2] === (element & 0xff) && b[i + 3] === element >> 8) out.push(i);
  return out;
}

const MUTATIONS: Record<string, (r: Random, b: Uint8Array) => Uint8Array> = {
  'bit flips': (r, b) => {
    const out = b.slice();
    for (let k = r.int(1, 32); k > 0; k--) out[r.int(0, out.length - 1)]! ^= 1 << r.int(0, 7);
    return out;
  },
  truncation: (r, b) => b.slice(0, r.int(0, b.length - 1)),
  'length field': (r, b) => {
    const out = b.slice();
    const at = vrOffsets(b);
    const i = at.length ? r.pick(at) + 2 : r.int(0, out.length - 4);
    const v = r.pick([0xffffffff, 0x7fffffff, 0, 1, 0xfffe, r.int(0, 1 << 30)]);
    for (let j = 0; j < 4 && i + j < out.length; j++) out[i + j] = (v >>> (8 * j)) & 0xff;
    return out;
  },
  'VR changed': (r, b) => {
    const out = b.slice();
    const at = vrOffsets(b);
    if (!at.length) return out;
    const i = r.pick(at);
    const vr = r.pick(VRS);
    out[i] = vr.charCodeAt(0);
    out[i + 1] = vr.charCodeAt(1);
    return out;
  },
  'bytes removed': (r, b) => {
    const start = r.int(0, b.length - 1);
    const n = r.int(2, 96);
    return new Uint8Array([...b.subarray(0, start), ...b.subarray(Math.min(b.length, start + n))]);
  },
  'huge Rows/Columns': (r, b) => {
    const out = b.slice();
    for (const el of [0x0010, 0x0011, 0x0008]) {
      for (const i of tagOffsets(b, 0x0028, el)) {
        // The value starts 8 bytes after the tag either way: tag(4) + VR(2) + length(2), or tag(4) + length(4).
        const value = i + 8;
        if (value + 1 < out.length) {
          out[value] = 0xff;
          out[value + 1] = r.chance(0.5) ? 0xff : 0x7f;
        }
      }
    }
    return out;
  },
  'PNG/JPEG chunk damage': (r, b) => {
    const out = b.slice();
    // PNG chunk lengths sit at 8 + …; JPEG segment lengths follow 0xFF markers: damage one of either.
    const marks: number[] = [];
    for (let i = 0; i + 4 < b.length && marks.length < 200; i++) if ((b[i] === 0xff && b[i + 1]! >= 0xc0 && b[i + 1]! !== 0xff) || (i === 8 && b[1] === 0x50)) marks.push(i + 2);
    const i = marks.length ? r.pick(marks) : r.int(0, out.length - 2);
    out[i] = r.int(0, 255);
    out[i + 1] = r.int(0, 255);
    return out;
  },
};

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
