/**
 * The chest phantom: a study's anatomy as geometry in millimetres (patient coordinates, DICOM LPS:
 * x towards the patient's left, y towards the back, z towards the head). The image shows the patient's
 * right on its left, as radiology does. Everything is drawn from the study's own random stream.
 */
import { Random } from './random.ts';
import type { Lobe } from './schema.ts';

export interface Ellipse {
  cx: number;
  cy: number;
  ax: number;
  ay: number;
}

export interface Phantom {
  /** Pixels per side, field of view (mm) and the derived pixel spacing. */
  size: number;
  fovMm: number;
  spacingMm: number;
  /** Slice centres (z, mm), ascending, and slice spacing = thickness. */
  sliceZ: number[];
  sliceMm: number;
  /** Lung height: z = 0 at the lung base, z = lungHeight at the apex. */
  lungHeight: number;
  body: Ellipse;
  fatMm: number;
  /** The inner thoracic cavity (inside muscle and ribs). */
  cavity: Ellipse;
  /** Each lung's cross-section at full size; profile() scales it with height. */
  lungs: { right: Ellipse; left: Ellipse };
  heart: Ellipse;
  spine: { cx: number; cy: number; r: number };
  tableY: number;
  noiseSd: number;
  /** Soft-tissue HU offset: contrast varies between studies. */
  tissueOffset: number;
  vessels: Vessel[];
}

/** A vessel: a straight segment with radius tapering from r0 (hilum) to r1 (periphery). */
export interface Vessel {
  from: [number, number, number];
  to: [number, number, number];
  r0: number;
  r1: number;
}

export function createPhantom(rand: Random, size = 256): Phantom {
  const fovMm = rand.uniform(340, 400);
  const a = rand.uniform(140, 180); // body half-width (left-right)
  const b = rand.uniform(95, 120); // body half-depth (front-back)
  const cx = rand.uniform(-15, 15);
  const cy = rand.uniform(-12, 12);
  const fatMm = rand.uniform(8, 26);
  const cavity = { cx, cy, ax: a - fatMm - 14, ay: b - fatMm - 12 };
  const lungHeight = rand.uniform(210, 250);
  const slices = rand.int(20, 28);
  const zStart = -0.1 * lungHeight;
  const sliceMm = (1.12 * lungHeight) / slices;
  const sliceZ = Array.from({ length: slices }, (_, k) => zStart + (k + 0.5) * sliceMm);
  const lung = (side: -1 | 1): Ellipse => ({
    cx: cx + side * cavity.ax * 0.5,
    cy: cy + cavity.ay * 0.02,
    ax: cavity.ax * 0.44,
    ay: cavity.ay * 0.86,
  });
  const phantom: Phantom = {
    size,
    fovMm,
    spacingMm: fovMm / size,
    sliceZ,
    sliceMm,
    lungHeight,
    body: { cx, cy, ax: a, ay: b },
    fatMm,
    cavity,
    lungs: { right: lung(-1), left: lung(1) },
    heart: { cx: cx + cavity.ax * 0.14, cy: cy - cavity.ay * 0.22, ax: cavity.ax * 0.34, ay: cavity.ay * 0.48 },
    spine: { cx, cy: cy + cavity.ay * 0.78, r: 16 },
    tableY: cy + b + rand.uniform(6, 14),
    noiseSd: rand.uniform(8, 24),
    tissueOffset: rand.uniform(-8, 8),
    vessels: [],
  };
  phantom.vessels = [...growVessels(rand, phantom, 'right'), ...growVessels(rand, phantom, 'left')];
  return phantom;
}

/** What depends on height alone, computed once per slice: relative height t, lung and heart scales. */
export interface Level {
  z: number;
  t: number;
  /** Lung cross-section scale: full near the base, narrowing towards the apex. */
  lung: number;
  heart: number;
}

export function level(p: Phantom, z: number): Level {
  const t = z / p.lungHeight;
  const lung = t <= 0 || t >= 1 ? 0 : Math.min(1, 1.15 * Math.sqrt(1 - t ** 2.2));
  const heart = t < 0.02 || t > 0.55 ? 0 : Math.sin((Math.PI * (t - 0.02)) / 0.53);
  return { z, t, lung, heart };
}

/** Whether (x, y) at a level lies in a lung, and which; the domes of the diaphragm cut the base. */
export function lungAt(p: Phantom, x: number, y: number, lv: Level): 'right' | 'left' | undefined {
  const s = lv.lung;
  if (s === 0) return undefined;
  const t = lv.t;
  for (const side of ['right', 'left'] as const) {
    const e = p.lungs[side];
    const u = (x - e.cx) / (e.ax * s);
    const v = (y - e.cy) / (e.ay * s);
    const r2 = u * u + v * v;
    if (r2 >= 1) continue;
    // Dome: the diaphragm rises in the middle of each lung (higher on the right, over the liver).
    const dome = (side === 'right' ? 0.2 : 0.16) * (1 - r2) - 0.04 * v;
    if (t < dome) continue;
    if (side === 'left' && insideEllipse(p.heart, x, y, lv.heart)) continue;
    return side;
  }
  return undefined;
}

export function insideEllipse(e: Ellipse, x: number, y: number, scale = 1): boolean {
  if (scale <= 0) return false;
  const u = (x - e.cx) / (e.ax * scale);
  const v = (y - e.cy) / (e.ay * scale);
  return u * u + v * v < 1;
}

/**
 * Lobes, by simplified fissures in each lung's own coordinates: the oblique fissure runs from high at
 * the back to low at the front; on the right, the horizontal fissure splits upper from middle lobe.
 */
export function lobeAt(p: Phantom, x: number, y: number, lv: Level): Lobe | undefined {
  const side = lungAt(p, x, y, lv);
  if (!side) return undefined;
  const e = p.lungs[side];
  const t = lv.t;
  const back = Math.max(-1, Math.min(1, (y - e.cy) / e.ay)); // −1 front … +1 back
  const oblique = 0.3 + 0.28 * (back + 1); // fissure height: 0.30 in front, 0.86 at the back
  if (t < oblique) return side === 'right' ? '右肺下叶' : '左肺下叶';
  if (side === 'left') return '左肺上叶';
  return t < 0.52 && back < 0.35 ? '右肺中叶' : '右肺上叶';
}

/** Vessels branch out from each hilum to random points of the lung. */
function growVessels(rand: Random, p: Phantom, side: 'right' | 'left'): Vessel[] {
  const e = p.lungs[side];
  const medial = side === 'right' ? 1 : -1;
  const vessels: Vessel[] = [];
  for (let i = 0; i < 40; i++) {
    // Each vessel leaves the hilum at its own height, so no one slice shows them all as a star.
    const hilum: [number, number, number] = [e.cx + medial * e.ax * rand.uniform(0.5, 0.7), e.cy + e.ay * rand.uniform(-0.15, 0.2), p.lungHeight * rand.uniform(0.35, 0.65)];
    let target: [number, number, number] | undefined;
    for (let tries = 0; tries < 30 && !target; tries++) {
      const c: [number, number, number] = [
        e.cx + rand.uniform(-1, 1) * e.ax,
        e.cy + rand.uniform(-1, 1) * e.ay,
        rand.uniform(0.08, 0.92) * p.lungHeight,
      ];
      if (lungAt(p, c[0], c[1], level(p, c[2])) === side) target = c;
    }
    if (!target) continue;
    // A trunk to a branch point, then a thinner branch to the target.
    const mid: [number, number, number] = [0, 1, 2].map((k) => hilum[k]! + (target![k]! - hilum[k]!) * rand.uniform(0.35, 0.6)) as [number, number, number];
    const r0 = rand.uniform(1.6, 3);
    vessels.push({ from: hilum, to: mid, r0, r1: r0 * 0.6 }, { from: mid, to: target, r0: r0 * 0.55, r1: 0.6 });
  }
  return vessels;
}
