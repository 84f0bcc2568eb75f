/**
 * Clinical fact scores. A summary's facts are split into atoms — (finding), (finding, location),
 * (finding, size), (finding, margin), (finding, advice) — and compared as multisets between the
 * generated summary and the ground truth. Sizes match within ±1 mm (the measurement's own pixel
 * precision). Scores: precision, recall and F1 per atom kind and over all atoms (micro-averaged).
 */
import type { Fact, Location } from '../corpus/schema.ts';

export const ATOM_KINDS = ['finding', 'location', 'size', 'margin', 'advice'] as const;
export type AtomKind = (typeof ATOM_KINDS)[number];

interface Atom {
  kind: AtomKind;
  finding: string;
  value: string | number;
}

export function atoms(facts: readonly Fact[]): Atom[] {
  return facts.flatMap((f) => {
    const out: Atom[] = [{ kind: 'finding', finding: f.finding, value: '' }];
    if (f.location) out.push({ kind: 'location', finding: f.finding, value: f.location });
    if (f.sizeMm !== undefined) out.push({ kind: 'size', finding: f.finding, value: f.sizeMm });
    if (f.margin) out.push({ kind: 'margin', finding: f.finding, value: f.margin });
    out.push({ kind: 'advice', finding: f.finding, value: f.advice });
    return out;
  });
}

const SIZE_TOLERANCE_MM = 1;

function same(a: Atom, b: Atom): boolean {
  if (a.kind !== b.kind || a.finding !== b.finding) return false;
  return a.kind === 'size' ? Math.abs((a.value as number) - (b.value as number)) <= SIZE_TOLERANCE_MM : a.value === b.value;
}

/** True positives, predicted and reference counts per atom kind, for one summary. */
export type AtomCounts = Record<AtomKind, { tp: number; predicted: number; reference: number }>;

export function atomCounts(predicted: readonly Fact[], reference: readonly Fact[]): AtomCounts {
  const counts = Object.fromEntries(ATOM_KINDS.map((k) => [k, { tp: 0, predicted: 0, reference: 0 }])) as AtomCounts;
  const pool = atoms(reference);
  for (const a of pool) counts[a.kind].reference++;
  for (const a of atoms(predicted)) {
    counts[a.kind].predicted++;
    const hit = pool.findIndex((b) => same(a, b));
    if (hit >= 0) {
      counts[a.kind].tp++;
      pool.splice(hit, 1);
    }
  }
  return counts;
}

export interface Prf {
  precision: number;
  recall: number;
  f1: number;
}

export function prf(tp: number, predicted: number, reference: number): Prf {
  const precision = predicted ? tp / predicted : reference ? 0 : 1;
  const recall = reference ? tp / reference : predicted ? 0 : 1;
  return { precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0 };
}

/** Micro-averaged scores per kind and over all kinds, from many summaries' counts. */
export function factScores(perItem: readonly AtomCounts[]): Record<AtomKind | 'all', Prf> {
  const sum = (kinds: readonly AtomKind[]) => {
    let tp = 0;
    let predicted = 0;
    let reference = 0;
    for (const c of perItem) {
      for (const k of kinds) {
        tp += c[k].tp;
        predicted += c[k].predicted;
        reference += c[k].reference;
      }
    }
    return prf(tp, predicted, reference);
  };
  return { ...(Object.fromEntries(ATOM_KINDS.map((k) => [k, sum([k])])) as Record<AtomKind, Prf>), all: sum(ATOM_KINDS) };
}

/** Micro-averaged scores over all kinds, per group of studies (each study's key), groups in key order. */
export function factScoresByGroup(perItem: readonly AtomCounts[], keys: readonly string[]): Record<string, Prf & { n: number }> {
  const groups = new Map<string, AtomCounts[]>();
  perItem.forEach((c, i) => groups.set(keys[i]!, [...(groups.get(keys[i]!) ?? []), c]));
  return Object.fromEntries([...groups].sort(([a], [b]) => a.localeCompare(b)).map(([key, items]) => [key, { ...factScores(items).all, n: items.length }]));
}

/**
 * Per group of studies by how many findings the reference names ("0", "1", "2", … up to `top`, which also
 * holds larger counts): multi-finding studies are where decoders lose their facts, and the overall score
 * hides it.
 */
export function factScoresByFindingCount(perItem: readonly AtomCounts[], findingCounts: readonly number[], top = 3): Record<string, Prf & { n: number }> {
  return factScoresByGroup(perItem, findingCounts.map((n) => (n >= top ? `${top}+` : String(n))));
}

/**
 * Lobe accuracy where the text omitted the lobe: did the summary put that finding in the right place?
 * Returns undefined for a study whose text did not omit a lobe.
 */
export function lobeCorrect(predicted: readonly Fact[], omitted: { finding: Fact['finding']; location: Location } | undefined): boolean | undefined {
  if (!omitted) return undefined;
  return predicted.some((f) => f.finding === omitted.finding && f.location === omitted.location);
}
