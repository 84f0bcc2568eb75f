/**
 * Lesion geometry: where a finding may sit, and which voxels it fills with which HU. Each shape answers
 * "is (x, y, z) inside, and is it the lesion's body (what a radiologist measures) or an appendage
 * (spicules)". The HU values follow typical CT attenuation for each finding.
 */
import { level, lobeAt, lungAt, type Level, type Phantom } from './phantom.ts';
import { Random } from './random.ts';
import type { FindingType, Location, Margin } from './schema.ts';

/** Typical attenuation (HU) of each finding's tissue. */
export const LESION_HU = {
  solid: 38,
  groundGlass: -580,
  calcified: 720,
  fluid: 12,
  air: -990,
  consolidation: 28,
  emphysema: -975,
} as const;

type Vec3 = [number, number, number];

export interface Lesion {
  type: FindingType;
  location: Location;
  centre: Vec3;
  /** Radius of the lesion's body, mm. */
  r: number;
  margin: Margin;
  /** Spicule directions (unit vectors), lobulation phase, and the sub-shapes some types are built of. */
  spikes: Vec3[];
  phase: number;
  /** Part-solid: solid core radius; cavity: air radius. */
  innerR: number;
  /** Consolidation and emphysema: the blobs they are made of. */
  blobs: { c: Vec3; r: [number, number, number] }[];
  /** Pleural effusion: fluid depth at the base, mm. */
  depth: number;
  /** Bounding box in mm: [xmin, xmax, ymin, ymax, zmin, zmax]. */
  bounds: [number, number, number, number, number, number];
}

export interface Hit {
  hu: number;
  body: boolean;
}

const len = (v: Vec3) => Math.hypot(v[0], v[1], v[2]);

function randomUnit(rand: Random): Vec3 {
  const v: Vec3 = [rand.normal(), rand.normal(), rand.normal() * 0.4]; // spicules mostly in-plane
  const n = len(v) || 1;
  return [v[0] / n, v[1] / n, v[2] / n];
}

/** The radius of a nodule-like body in direction (dx, dy, dz), given its margin. */
function bodyRadius(l: Lesion, dx: number, dy: number, dz: number): number {
  if (l.margin !== '分叶') return l.r;
  const phi = Math.atan2(dy, dx);
  const elev = Math.atan2(dz, Math.hypot(dx, dy));
  return l.r * (1 + 0.18 * Math.cos(4 * phi + l.phase) * Math.cos(elev));
}

function inSpike(l: Lesion, dx: number, dy: number, dz: number): boolean {
  for (const u of l.spikes) {
    const t = dx * u[0] + dy * u[1] + dz * u[2];
    if (t < l.r * 0.8 || t > l.r * 1.9) continue;
    const off = Math.hypot(dx - t * u[0], dy - t * u[1], dz - t * u[2]);
    if (off < 0.9 * (1 - (t - l.r) / (l.r * 1.2))) return true;
  }
  return false;
}

/** HU and body flag at a point, or undefined outside the lesion. Air outside the lungs is never filled. */
export function lesionAt(l: Lesion, p: Phantom, x: number, y: number, lv: Level): Hit | undefined {
  const [bx0, bx1, by0, by1, bz0, bz1] = l.bounds;
  const z = lv.z;
  if (x < bx0 || x > bx1 || y < by0 || y > by1 || z < bz0 || z > bz1) return undefined;
  const side = lungAt(p, x, y, lv);
  switch (l.type) {
    case 'pleural-effusion': {
      const want = l.location === '右侧胸腔' ? 'right' : 'left';
      if (side !== want) return undefined;
      const e = p.lungs[want];
      const u = (x - e.cx) / (e.ax * lv.lung);
      const back = e.cy + e.ay * lv.lung * Math.sqrt(Math.max(0, 1 - u * u));
      const depth = l.depth * Math.max(0, 1 - lv.t / 0.6);
      return y > back - depth ? { hu: LESION_HU.fluid, body: true } : undefined;
    }
    case 'consolidation':
    case 'emphysema': {
      if (!side || lobeAt(p, x, y, lv) !== l.location) return undefined;
      for (const b of l.blobs) {
        const u = (x - b.c[0]) / b.r[0];
        const v = (y - b.c[1]) / b.r[1];
        const w = (z - b.c[2]) / b.r[2];
        if (u * u + v * v + w * w < 1) return { hu: l.type === 'consolidation' ? LESION_HU.consolidation : LESION_HU.emphysema, body: true };
      }
      return undefined;
    }
    default: {
      if (!side) return undefined;
      const dx = x - l.centre[0];
      const dy = y - l.centre[1];
      const dz = z - l.centre[2];
      const d = Math.hypot(dx, dy, dz);
      if (d <= bodyRadius(l, dx, dy, dz)) return { hu: innerHu(l, d), body: true };
      if (l.margin === '毛刺' && inSpike(l, dx, dy, dz)) return { hu: LESION_HU.solid, body: false };
      return undefined;
    }
  }
}

function innerHu(l: Lesion, d: number): number {
  switch (l.type) {
    case 'ground-glass-nodule':
      return LESION_HU.groundGlass;
    case 'part-solid-nodule':
      return d < l.innerR ? LESION_HU.solid : LESION_HU.groundGlass;
    case 'calcification':
      return LESION_HU.calcified;
    case 'cavity':
      return d < l.innerR ? LESION_HU.air : LESION_HU.solid;
    default:
      return LESION_HU.solid;
  }
}

/** The nearest slice centre to z: small lesions are centred on a slice so that they are seen. */
function snapToSlice(p: Phantom, z: number): number {
  return p.sliceZ.reduce((best, s) => (Math.abs(s - z) < Math.abs(best - z) ? s : best), p.sliceZ[0]!);
}

/** A centre inside `lobe` whose in-plane ring at `clear` mm stays in the same lung; undefined if none found. */
export function placeInLobe(rand: Random, p: Phantom, lobe: Location, clear: number, avoid: { c: Vec3; r: number }[]): Vec3 | undefined {
  const side = lobe.startsWith('右') ? 'right' : 'left';
  const e = p.lungs[side];
  for (let tries = 0; tries < 400; tries++) {
    const z = snapToSlice(p, rand.uniform(0.06, 0.94) * p.lungHeight);
    const lv = level(p, z);
    const c: Vec3 = [e.cx + rand.uniform(-1, 1) * e.ax, e.cy + rand.uniform(-1, 1) * e.ay, z];
    if (lobeAt(p, c[0], c[1], lv) !== lobe) continue;
    const ring = [0, 1, 2, 3, 4, 5, 6, 7].every((k) => {
      const a = (k * Math.PI) / 4;
      return lungAt(p, c[0] + clear * Math.cos(a), c[1] + clear * Math.sin(a), lv) === side;
    });
    if (!ring) continue;
    if (avoid.some((o) => Math.hypot(o.c[0] - c[0], o.c[1] - c[1], o.c[2] - c[2]) < o.r + clear + 4)) continue;
    return c;
  }
  return undefined;
}

/** Builds a lesion of the given kind around a centre (the effusion ignores the centre). */
export function makeLesion(rand: Random, p: Phantom, type: FindingType, location: Location, centre: Vec3, diameter: number, margin: Margin): Lesion {
  const r = diameter / 2;
  const l: Lesion = { type, location, centre, r, margin, spikes: [], phase: rand.uniform(0, 2 * Math.PI), innerR: 0, blobs: [], depth: 0, bounds: [0, 0, 0, 0, 0, 0] };
  if (margin === '毛刺') l.spikes = Array.from({ length: rand.int(6, 10) }, () => randomUnit(rand));
  if (type === 'part-solid-nodule') l.innerR = r * rand.uniform(0.35, 0.65);
  if (type === 'cavity') l.innerR = r - rand.uniform(2.5, Math.min(7, r * 0.5));
  let reach = r * (margin === '毛刺' ? 2 : margin === '分叶' ? 1.2 : 1.02);
  if (type === 'consolidation' || type === 'emphysema') {
    const n = type === 'consolidation' ? rand.int(2, 4) : rand.int(7, 13);
    const spread = type === 'consolidation' ? r * 0.5 : r;
    l.blobs = Array.from({ length: n }, () => {
      const size = type === 'consolidation' ? r * rand.uniform(0.45, 0.7) : rand.uniform(3, 8);
      return {
        c: [centre[0] + rand.uniform(-1, 1) * spread, centre[1] + rand.uniform(-1, 1) * spread, centre[2] + rand.uniform(-1, 1) * spread * 0.8] as Vec3,
        r: [size * rand.uniform(0.8, 1.3), size * rand.uniform(0.8, 1.3), size * rand.uniform(0.8, 1.6)] as [number, number, number],
      };
    });
    reach = spread + Math.max(...l.blobs.map((b) => Math.max(...b.r)));
  }
  if (type === 'pleural-effusion') {
    l.depth = diameter;
    l.bounds = [-1e4, 1e4, -1e4, 1e4, -1e4, 0.6 * p.lungHeight];
    return l;
  }
  l.bounds = [centre[0] - reach, centre[0] + reach, centre[1] - reach, centre[1] + reach, centre[2] - reach, centre[2] + reach];
  return l;
}
