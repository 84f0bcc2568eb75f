/**
 * Text similarity for the baselines: TF-IDF over character unigrams and bigrams, cosine similarity.
 * Chinese needs no segmenter for this, and bigrams catch 右肺 / 上叶 / 结节 as units.
 */

function grams(text: string): Map<string, number> {
  const chars = [...text].filter((c) => !/\s/u.test(c));
  const counts = new Map<string, number>();
  const add = (g: string) => counts.set(g, (counts.get(g) ?? 0) + 1);
  chars.forEach((c, i) => {
    add(c);
    if (i + 1 < chars.length) add(c + chars[i + 1]);
  });
  return counts;
}

export class TfidfIndex {
  private readonly idf = new Map<string, number>();
  private readonly vectors: Map<string, number>[];

  constructor(docs: readonly string[]) {
    const df = new Map<string, number>();
    const counts = docs.map(grams);
    for (const c of counts) for (const g of c.keys()) df.set(g, (df.get(g) ?? 0) + 1);
    for (const [g, d] of df) this.idf.set(g, Math.log((1 + docs.length) / (1 + d)) + 1);
    this.vectors = counts.map((c) => this.weigh(c));
  }

  private weigh(counts: Map<string, number>): Map<string, number> {
    const v = new Map<string, number>();
    let norm = 0;
    for (const [g, tf] of counts) {
      const w = tf * (this.idf.get(g) ?? 0);
      if (w === 0) continue;
      v.set(g, w);
      norm += w * w;
    }
    norm = Math.sqrt(norm) || 1;
    for (const [g, w] of v) v.set(g, w / norm);
    return v;
  }

  /** Documents ranked by cosine similarity to the query, best first (ties by index). */
  rank(query: string, k = this.vectors.length): { index: number; score: number }[] {
    const q = this.weigh(grams(query));
    return this.vectors
      .map((v, index) => {
        let score = 0;
        for (const [g, w] of q) score += w * (v.get(g) ?? 0);
        return { index, score };
      })
      .sort((a, b) => b.score - a.score || a.index - b.index)
      .slice(0, k);
  }
}
