/**
 * ROUGE-L as the COCO caption code computes it (rouge.py): longest common subsequence against each
 * reference, the best precision and the best recall over references (taken separately), then
 * F = (1 + β²)·P·R / (R + β²·P) with β = 1.2. The corpus score is the mean over items.
 */

export const ROUGE_BETA = 1.2;

export function lcsLength(a: readonly string[], b: readonly string[]): number {
  const row = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = 0;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = a[i - 1] === b[j - 1] ? diagonal + 1 : Math.max(above, row[j - 1]!);
      diagonal = above;
    }
  }
  return row[b.length]!;
}

export function rougeL(hyp: readonly string[], refs: readonly (readonly string[])[], beta = ROUGE_BETA): number {
  if (hyp.length === 0) return 0;
  let precision = 0;
  let recall = 0;
  for (const ref of refs) {
    const lcs = lcsLength(ref, hyp);
    precision = Math.max(precision, lcs / hyp.length);
    recall = Math.max(recall, ref.length ? lcs / ref.length : 0);
  }
  if (precision === 0 || recall === 0) return 0;
  return ((1 + beta ** 2) * precision * recall) / (recall + beta ** 2 * precision);
}
