/** Seeded mutations of image files for fuzzing the intake (the unit test and the page's sample share them). */
import type { Random } from '../../src/corpus/random.ts';

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

export const MUTATIONS: Record<string, (r: Random, b: Uint8Array) => Uint8Array> = {
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
