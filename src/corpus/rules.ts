/**
 * The written rules that turn findings into a diagnostic impression: a simplified scheme in the spirit
 * of the Fleischner Society guidelines and Lung-RADS, stated in docs/corpus.md. The summary of every
 * study follows from these rules and the rendered ground truth alone.
 */
import { HAS_MARGIN, type AdviceCode, type Fact, type FindingTruth } from './schema.ts';

export function adviceFor(f: Pick<FindingTruth, 'type' | 'sizeMm' | 'margin'>): AdviceCode {
  switch (f.type) {
    case 'solid-nodule':
      if (f.sizeMm < 6) return 'annual-ct';
      if (f.sizeMm <= 8) return 'follow-up-6-12m';
      return f.margin === '毛刺' ? 'pet-or-biopsy' : 'follow-up-3m';
    case 'ground-glass-nodule':
      return f.sizeMm < 6 ? 'annual-ct' : 'follow-up-6-12m';
    case 'part-solid-nodule':
      if (f.sizeMm < 6) return 'annual-ct';
      return f.sizeMm > 8 || f.margin === '毛刺' ? 'pet-or-biopsy' : 'follow-up-3m';
    case 'mass':
      return 'enhanced-ct-biopsy';
    case 'consolidation':
      return 'anti-infection-recheck';
    case 'pleural-effusion':
      return f.sizeMm < 20 ? 'ultrasound-follow-up' : 'drainage-workup';
    case 'calcification':
      return 'none';
    case 'cavity':
      return 'sputum-tb-workup';
    case 'emphysema':
      return 'lung-function';
  }
}

/** How urgent each advice is; the summary lists the most urgent finding first. */
export const ADVICE_RANK: Record<AdviceCode, number> = {
  'enhanced-ct-biopsy': 0,
  'pet-or-biopsy': 1,
  'drainage-workup': 2,
  'sputum-tb-workup': 3,
  'follow-up-3m': 4,
  'anti-infection-recheck': 5,
  'follow-up-6-12m': 6,
  'ultrasound-follow-up': 7,
  'lung-function': 8,
  'annual-ct': 9,
  none: 10,
};

/** Types whose size the impression states (emphysema is described by extent, not measured). */
export function reportsSize(type: Fact['finding']): boolean {
  return type !== 'normal' && type !== 'emphysema';
}

/** The facts a summary of these findings states, in the order the summary lists them. */
export function summaryFacts(findings: FindingTruth[]): Fact[] {
  if (findings.length === 0) return [{ finding: 'normal', advice: 'none' }];
  const facts = findings.map(
    (f): Fact => ({
      finding: f.type,
      location: f.location,
      ...(reportsSize(f.type) ? { sizeMm: f.sizeMm } : {}),
      ...(HAS_MARGIN.has(f.type) ? { margin: f.margin } : {}),
      advice: adviceFor(f),
    }),
  );
  return facts.sort((a, b) => ADVICE_RANK[a.advice] - ADVICE_RANK[b.advice]);
}
