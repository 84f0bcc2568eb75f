/**
 * Renders a phantom and its lesions into a CT volume: int16 stored values (HU + 1024, so
 * RescaleIntercept = −1024), plus each finding's ground truth measured on what was drawn.
 */
import { lesionAt, type Lesion } from './lesions.ts';
import { level, lungAt, type Ellipse, type Phantom } from './phantom.ts';
import { Random } from './random.ts';
import { DENSITY_OF, type FindingTruth, type SliceBox } from './schema.ts';

export const RESCALE_INTERCEPT = -1024;

const HU = { air: -1000, fat: -100, muscle: 45, bone: 650, marrow: 260, lung: -855, vessel: 42, soft: 36, liver: 58, table: 110, canal: 18 } as const;

/** Pixel centre (column i or row j) → mm. */
export function pixelToMm(p: Phantom, index: number): number {
  return -p.fovMm / 2 + (index + 0.5) * p.spacingMm;
}

export function mmToPixel(p: Phantom, mm: number): number {
  return (mm + p.fovMm / 2) / p.spacingMm - 0.5;
}

/** The x-interval [lo, hi] (mm) where a row at y crosses an ellipse scaled by `scale`; empty if none. */
function span(e: Ellipse, y: number, scale = 1): [number, number] {
  const v = (y - e.cy) / (e.ay * scale);
  if (scale <= 0 || v * v >= 1) return [1, 0];
  const half = e.ax * scale * Math.sqrt(1 - v * v);
  return [e.cx - half, e.cx + half];
}

/**
 * Anatomy without lesions, noise or vessels, one slice at a time, filled row by row in layers
 * (air and table, fat, muscle and ribs, the cavity's soft tissue, heart, lungs, spine): each row is a
 * few intervals, so only the lungs' domes and the ribs need a test per voxel.
 */
function renderAnatomy(p: Phantom, hu: Float32Array): void {
  const n = p.size;
  const { body, cavity, spine } = p;
  const xs = Array.from({ length: n }, (_, i) => pixelToMm(p, i));
  const fatInner = { ...body, ax: body.ax - p.fatMm, ay: body.ay - p.fatMm };
  const col = (mm: number) => Math.max(0, Math.min(n, Math.ceil(mmToPixel(p, mm))));
  const fill = (row: number, [lo, hi]: [number, number], value: number) => {
    if (lo > hi) return;
    hu.fill(value, row + col(lo), row + col(hi));
  };
  p.sliceZ.forEach((z, k) => {
    const lv = level(p, z);
    const liver = lv.t < 0.22;
    for (let j = 0; j < n; j++) {
      const y = xs[j]!;
      const row = k * n * n + j * n;
      const table = y > p.tableY && y < p.tableY + 7;
      fill(row, [xs[0]! - 1, xs[n - 1]! + 1], HU.air);
      if (table) fill(row, [body.cx - 210, body.cx + 210], HU.table);
      const bodySpan = span(body, y);
      fill(row, bodySpan, HU.fat + p.tissueOffset);
      const muscleSpan = span(fatInner, y);
      fill(row, muscleSpan, HU.muscle + p.tissueOffset);
      const cavitySpan = span(cavity, y);
      // Ribs: cross-sections just outside the cavity, each visible on part of the slices.
      for (let i = col(muscleSpan[0]); i < col(muscleSpan[1]); i++) {
        const x = xs[i]!;
        if (x >= cavitySpan[0] && x <= cavitySpan[1]) continue;
        const angle = Math.atan2((y - cavity.cy) / cavity.ay, (x - cavity.cx) / cavity.ax);
        const r = Math.round((angle + Math.PI) / (Math.PI / 7));
        const ribAngle = r * (Math.PI / 7) - Math.PI;
        const front = Math.abs(ribAngle + Math.PI / 2) < 0.3;
        const rx = cavity.cx + (cavity.ax + 5) * Math.cos(ribAngle);
        const ry = cavity.cy + (cavity.ay + 5) * Math.sin(ribAngle);
        if (!front && Math.sin(z / 13 + r * 1.7) > -0.2 && Math.hypot(x - rx, y - ry) < 5) hu[row + i] = HU.bone;
      }
      if (liver) {
        fill(row, [cavitySpan[0], Math.min(cavitySpan[1], body.cx)], HU.liver + p.tissueOffset);
        fill(row, [Math.max(cavitySpan[0], body.cx), cavitySpan[1]], HU.soft + p.tissueOffset);
      } else fill(row, cavitySpan, HU.soft + p.tissueOffset);
      fill(row, span(p.heart, y, lv.heart), HU.soft + 6 + p.tissueOffset);
      for (const side of ['right', 'left'] as const) {
        const [lo, hi] = span(p.lungs[side], y, lv.lung);
        for (let i = col(lo); i < col(hi); i++) if (lungAt(p, xs[i]!, y, lv) === side) hu[row + i] = HU.lung;
      }
      // Spine last: vertebral body (marrow in a cortical shell), canal behind it, spinous process.
      if (Math.abs(y - spine.cy) < spine.r + 36) {
        for (let i = col(spine.cx - spine.r); i < col(spine.cx + spine.r); i++) {
          const x = xs[i]!;
          const ds = Math.hypot(x - spine.cx, y - spine.cy);
          if (ds < spine.r) hu[row + i] = ds > spine.r - 2.2 ? HU.bone : HU.marrow;
          else if (Math.hypot(x - spine.cx, y - (spine.cy + spine.r + 8)) < 7) hu[row + i] = HU.canal;
          else if (Math.abs(x - spine.cx) < 4 && y > spine.cy + spine.r + 14 && y < spine.cy + spine.r + 34 && x >= bodySpan[0] && x <= bodySpan[1]) hu[row + i] = HU.bone;
        }
      }
    }
  });
}

/** Draws vessels into lung voxels: each segment sampled every half pixel, a disc in the slab it crosses. */
function drawVessels(p: Phantom, hu: Float32Array): void {
  const n = p.size;
  for (const v of p.vessels) {
    const length = Math.hypot(v.to[0] - v.from[0], v.to[1] - v.from[1], v.to[2] - v.from[2]);
    const steps = Math.ceil(length / (p.spacingMm * 0.5));
    for (let s = 0; s <= steps; s++) {
      const f = s / steps;
      const x = v.from[0] + f * (v.to[0] - v.from[0]);
      const y = v.from[1] + f * (v.to[1] - v.from[1]);
      const z = v.from[2] + f * (v.to[2] - v.from[2]);
      const k = Math.round((z - p.sliceZ[0]!) / p.sliceMm);
      if (k < 0 || k >= p.sliceZ.length) continue;
      const r = v.r0 + f * (v.r1 - v.r0);
      // Partial volume: a vessel thinner than ~2 mm only brightens its voxels part of the way.
      const value = HU.lung + (HU.vessel - HU.lung) * Math.min(1, r / 2);
      const ci = mmToPixel(p, x);
      const cj = mmToPixel(p, y);
      const rp = Math.max(r, p.spacingMm * 0.5) / p.spacingMm;
      for (let j = Math.floor(cj - rp); j <= Math.ceil(cj + rp); j++) {
        for (let i = Math.floor(ci - rp); i <= Math.ceil(ci + rp); i++) {
          if (i < 0 || j < 0 || i >= n || j >= n || (i - ci) ** 2 + (j - cj) ** 2 > rp * rp) continue;
          const at = k * n * n + j * n + i;
          if (hu[at] === HU.lung) hu[at] = value;
        }
      }
    }
  }
}

/** Stamps lesions, labels their voxels (finding index + 1) and measures each on what it filled. */
function drawLesions(p: Phantom, hu: Float32Array, labels: Uint8Array, groups: Lesion[][]): FindingTruth[] {
  const n = p.size;
  return groups.map((group, g) => {
    const first = group[0]!;
    const boxes: SliceBox[] = [];
    let sizeMm = 0;
    let huSum = 0;
    let voxels = 0;
    for (const l of group) {
      const [bx0, bx1, by0, by1] = l.bounds;
      const i0 = Math.max(0, Math.floor(mmToPixel(p, bx0)));
      const i1 = Math.min(n - 1, Math.ceil(mmToPixel(p, bx1)));
      const j0 = Math.max(0, Math.floor(mmToPixel(p, by0)));
      const j1 = Math.min(n - 1, Math.ceil(mmToPixel(p, by1)));
      p.sliceZ.forEach((z, k) => {
        if (z < l.bounds[4] || z > l.bounds[5]) return;
        const lv = level(p, z);
        let box: [number, number, number, number] | undefined;
        let body: [number, number, number, number] | undefined;
        // Effusions are measured by depth: the longest run of fluid in one image column.
        const columnDepth = new Uint16Array(n);
        for (let j = j0; j <= j1; j++) {
          const y = pixelToMm(p, j);
          for (let i = i0; i <= i1; i++) {
            const hit = lesionAt(l, p, pixelToMm(p, i), y, lv);
            if (!hit) continue;
            hu[k * n * n + j * n + i] = hit.hu;
            labels[k * n * n + j * n + i] = g + 1;
            huSum += hit.hu;
            voxels++;
            columnDepth[i]!++;
            box = grow(box, i, j);
            if (hit.body) body = grow(body, i, j);
          }
        }
        if (box) boxes.push({ slice: k, box });
        if (body) {
          // Everything else is measured by its longest in-plane extent.
          const extent = l.type === 'pleural-effusion' ? Math.max(...columnDepth) : Math.max(body[2] - body[0] + 1, body[3] - body[1] + 1);
          sizeMm = Math.max(sizeMm, extent * p.spacingMm);
        }
      });
    }
    return {
      type: first.type,
      location: first.location,
      sizeMm: Math.round(sizeMm),
      margin: first.margin,
      density: DENSITY_OF[first.type],
      count: group.length,
      meanHu: voxels ? huSum / voxels : 0,
      boxes: boxes.sort((a, b) => a.slice - b.slice),
    };
  });
}

function grow(box: [number, number, number, number] | undefined, i: number, j: number): [number, number, number, number] {
  if (!box) return [i, j, i, j];
  return [Math.min(box[0], i), Math.min(box[1], j), Math.max(box[2], i), Math.max(box[3], j)];
}

export interface RenderedVolume {
  /** Stored values, slice after slice: HU − RescaleIntercept. */
  stored: Int16Array;
  /** Per voxel: 0, or 1 + the index of the finding drawn there (a later finding overwrites). */
  labels: Uint8Array;
  truths: FindingTruth[];
}

/** Anatomy, vessels, lesions, then noise: the finished study. */
export function renderStudy(p: Phantom, lesionGroups: Lesion[][], noiseSeed: number): RenderedVolume {
  const n = p.size;
  const hu = new Float32Array(p.sliceZ.length * n * n);
  renderAnatomy(p, hu);
  drawVessels(p, hu);
  const labels = new Uint8Array(hu.length);
  const truths = drawLesions(p, hu, labels, lesionGroups);
  const stored = new Int16Array(hu.length);
  const noise = noiseTable(noiseSeed);
  const rand = new Random(noiseSeed ^ 0x5bd1e995);
  const mask = noise.length - 1;
  for (let k = 0; k < p.sliceZ.length; k++) {
    // A fresh random start per slice, then an odd stride through the table: no two slices share noise.
    let at = rand.int(0, mask);
    for (let v = k * n * n; v < (k + 1) * n * n; v++) {
      // Air is quieter than tissue on real scanners' reconstructions; scale the noise with density.
      const sd = hu[v]! <= HU.air + 1 ? p.noiseSd * 0.4 : p.noiseSd;
      at = (at + 7919) & mask;
      const value = Math.round(hu[v]! + sd * noise[at]!) - RESCALE_INTERCEPT;
      stored[v] = value < 0 ? 0 : value > 4095 ? 4095 : value;
    }
  }
  return { stored, labels, truths };
}

/** 2^16 standard normal values: drawing one per voxel with Box–Muller would dominate render time. */
function noiseTable(seed: number): Float32Array {
  const rand = new Random(seed);
  const table = new Float32Array(1 << 16);
  for (let i = 0; i < table.length; i++) table[i] = rand.normal();
  return table;
}
