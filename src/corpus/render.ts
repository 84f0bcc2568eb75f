/**
 * Renders a phantom and its lesions into a CT volume: int16 stored values (HU + 1024, so
 * RescaleIntercept = −1024), plus each finding's ground truth measured on what was drawn.
 */
import { lesionAt, type Lesion } from './lesions.ts';
import { insideEllipse, level, lungAt, type Level, type Phantom } from './phantom.ts';
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

/** Anatomy without lesions, noise or vessels: one HU value per voxel. */
function anatomyHu(p: Phantom, x: number, y: number, lv: Level): number {
  const { body, cavity, spine } = p;
  if (!insideEllipse(body, x, y)) {
    return y > p.tableY && y < p.tableY + 7 && Math.abs(x - body.cx) < 210 ? HU.table : HU.air;
  }
  const fatInner = { ...body, ax: body.ax - p.fatMm, ay: body.ay - p.fatMm };
  if (!insideEllipse(fatInner, x, y)) return HU.fat + p.tissueOffset;
  // Spine: vertebral body (marrow in a cortical shell), canal behind it, spinous process further back.
  const ds = Math.hypot(x - spine.cx, y - spine.cy);
  if (ds < spine.r) return ds > spine.r - 2.2 ? HU.bone : HU.marrow;
  if (Math.hypot(x - spine.cx, y - (spine.cy + spine.r + 8)) < 7) return HU.canal;
  if (Math.abs(x - spine.cx) < 4 && y > spine.cy + spine.r + 14 && y < spine.cy + spine.r + 34) return HU.bone;
  if (!insideEllipse(cavity, x, y)) {
    // Ribs: cross-sections just outside the cavity, each visible on part of the slices.
    const angle = Math.atan2((y - cavity.cy) / cavity.ay, (x - cavity.cx) / cavity.ax);
    const k = Math.round((angle + Math.PI) / (Math.PI / 7));
    const ribAngle = k * (Math.PI / 7) - Math.PI;
    const rx = cavity.cx + (cavity.ax + 5) * Math.cos(ribAngle);
    const ry = cavity.cy + (cavity.ay + 5) * Math.sin(ribAngle);
    const front = Math.abs(ribAngle + Math.PI / 2) < 0.3;
    if (!front && Math.sin(lv.z / 13 + k * 1.7) > -0.2 && Math.hypot(x - rx, y - ry) < 5) return HU.bone;
    return HU.muscle + p.tissueOffset;
  }
  if (lungAt(p, x, y, lv)) return HU.lung;
  if (insideEllipse(p.heart, x, y, lv.heart)) return HU.soft + 6 + p.tissueOffset;
  if (lv.t < 0.22 && x < body.cx) return HU.liver + p.tissueOffset;
  return HU.soft + p.tissueOffset;
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
      const ci = mmToPixel(p, x);
      const cj = mmToPixel(p, y);
      const rp = r / p.spacingMm;
      for (let j = Math.floor(cj - rp); j <= Math.ceil(cj + rp); j++) {
        for (let i = Math.floor(ci - rp); i <= Math.ceil(ci + rp); i++) {
          if (i < 0 || j < 0 || i >= n || j >= n || (i - ci) ** 2 + (j - cj) ** 2 > rp * rp) continue;
          const at = k * n * n + j * n + i;
          if (hu[at] === HU.lung) hu[at] = HU.vessel;
        }
      }
    }
  }
}

/** Stamps lesions and measures each on the voxels it actually filled. */
function drawLesions(p: Phantom, hu: Float32Array, groups: Lesion[][]): FindingTruth[] {
  const n = p.size;
  return groups.map((group) => {
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
  truths: FindingTruth[];
}

/** Anatomy, vessels, lesions, then noise: the finished study. */
export function renderStudy(p: Phantom, lesionGroups: Lesion[][], noiseSeed: number): RenderedVolume {
  const n = p.size;
  const hu = new Float32Array(p.sliceZ.length * n * n);
  const xs = Array.from({ length: n }, (_, i) => pixelToMm(p, i));
  p.sliceZ.forEach((z, k) => {
    const lv = level(p, z);
    for (let j = 0; j < n; j++) {
      const y = xs[j]!;
      for (let i = 0; i < n; i++) hu[k * n * n + j * n + i] = anatomyHu(p, xs[i]!, y, lv);
    }
  });
  drawVessels(p, hu);
  const truths = drawLesions(p, hu, lesionGroups);
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
  return { stored, truths };
}

/** 2^16 standard normal values: drawing one per voxel with Box–Muller would dominate render time. */
function noiseTable(seed: number): Float32Array {
  const rand = new Random(seed);
  const table = new Float32Array(1 << 16);
  for (let i = 0; i < table.length; i++) table[i] = rand.normal();
  return table;
}
