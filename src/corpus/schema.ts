/** The corpus vocabulary of findings, and the types of a study's specification and ground truth. */

export const LOBES = ['右肺上叶', '右肺中叶', '右肺下叶', '左肺上叶', '左肺下叶'] as const;
export type Lobe = (typeof LOBES)[number];
/** Pleural effusion is located by side, not by lobe. */
export const PLEURAL_SIDES = ['右侧胸腔', '左侧胸腔'] as const;
export type Location = Lobe | (typeof PLEURAL_SIDES)[number];

/** A lobe, not a pleural side: the part of a location that a findings text can leave out. */
export function isLobe(location: Location): location is Lobe {
  return (LOBES as readonly string[]).includes(location);
}

/** The location's index in LOBES, or −1 for a pleural side. */
export function lobeIndex(location: Location): number {
  return (LOBES as readonly string[]).indexOf(location);
}

export const FINDING_TYPES = [
  'solid-nodule',
  'ground-glass-nodule',
  'part-solid-nodule',
  'mass',
  'consolidation',
  'pleural-effusion',
  'calcification',
  'cavity',
  'emphysema',
] as const;
export type FindingType = (typeof FINDING_TYPES)[number];

/** The Chinese name each finding type goes by in reports (the canonical one; texts vary it). */
export const FINDING_NAMES: Record<FindingType, string> = {
  'solid-nodule': '实性结节',
  'ground-glass-nodule': '磨玻璃结节',
  'part-solid-nodule': '部分实性结节',
  mass: '肿块',
  consolidation: '实变',
  'pleural-effusion': '胸腔积液',
  calcification: '钙化灶',
  cavity: '空洞',
  emphysema: '肺气肿',
};

export const MARGINS = ['光滑', '分叶', '毛刺'] as const;
export type Margin = (typeof MARGINS)[number];

export type Density = '实性' | '磨玻璃' | '混杂' | '软组织' | '液性' | '钙化' | '含气' | '低密度';

export const DENSITY_OF: Record<FindingType, Density> = {
  'solid-nodule': '实性',
  'ground-glass-nodule': '磨玻璃',
  'part-solid-nodule': '混杂',
  mass: '软组织',
  consolidation: '实性',
  'pleural-effusion': '液性',
  calcification: '钙化',
  cavity: '含气',
  emphysema: '低密度',
};

/** Types whose margin is described in reports (the others have no margin worth naming). */
export const HAS_MARGIN: ReadonlySet<FindingType> = new Set(['solid-nodule', 'ground-glass-nodule', 'part-solid-nodule', 'mass']);

/** What the generator decided to draw, before rendering. Positions are in mm, patient coordinates. */
export interface FindingSpec {
  type: FindingType;
  location: Location;
  margin: Margin;
  count: number;
  /** Centre of each lesion (count of them) in mm: x (patient left +), y (posterior +), z (superior +). */
  centres: [number, number, number][];
  /** Intended diameter in mm; the reported size is measured on the rendered mask. */
  diameterMm: number;
}

/** One lesion's footprint on one slice, in pixels: [x0, y0, x1, y1] inclusive. */
export interface SliceBox {
  slice: number;
  box: [number, number, number, number];
}

/** A finding as rendered: what the summary and the evaluation treat as true. */
export interface FindingTruth {
  type: FindingType;
  location: Location;
  /** Largest in-plane extent of the rendered lesion, mm, rounded to whole mm (the largest lesion if several). */
  sizeMm: number;
  margin: Margin;
  density: Density;
  count: number;
  /** Mean HU inside the lesion mask (before noise). */
  meanHu: number;
  boxes: SliceBox[];
}

/** The structured content of a summary: what the fact extractor recovers and the scores compare. */
export interface Fact {
  finding: FindingType | 'normal';
  location?: Location;
  sizeMm?: number;
  margin?: Margin;
  advice: AdviceCode;
}

export const ADVICE_CODES = [
  'none',
  'annual-ct',
  'follow-up-6-12m',
  'follow-up-3m',
  'pet-or-biopsy',
  'enhanced-ct-biopsy',
  'anti-infection-recheck',
  'ultrasound-follow-up',
  'drainage-workup',
  'sputum-tb-workup',
  'lung-function',
] as const;
export type AdviceCode = (typeof ADVICE_CODES)[number];
