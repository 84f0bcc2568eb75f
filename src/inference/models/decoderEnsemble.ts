/**
 * A model with several decoders: the first decoder's weights keep their names ("dec.…"), each further
 * one's are stored as "ensemble<i>/dec.…" in the same weight map, so a checkpoint or an exported model
 * with an ensemble is one weight file like any other. All members share the image encoder, the
 * retriever and its passages: only decoders trained on the same stage 1–2 can join.
 */
import type { Weights } from './weights.ts';

const MEMBER = /^ensemble(\d+)\/(dec\..+)$/;

/** Each decoder's full weight map: the shared weights plus that decoder's own, under their usual names. */
export function decoderMembers(weights: Weights): Weights[] {
  const shared: Weights = {};
  const extra = new Map<number, Weights>();
  for (const [name, w] of Object.entries(weights)) {
    const m = MEMBER.exec(name);
    if (!m) shared[name] = w;
    else extra.set(Number(m[1]), { ...extra.get(Number(m[1])), [m[2]!]: w });
  }
  const order = [...extra.keys()].sort((a, b) => a - b);
  return [shared, ...order.map((i) => ({ ...shared, ...extra.get(i)! }))];
}

/** The weight map of `base` with `other`'s decoder ("dec.…") added as member `index` (1, 2, …). */
export function withDecoderMember(base: Weights, other: Weights, index: number): Weights {
  const added = Object.entries(other).filter(([name]) => name.startsWith('dec.'));
  if (added.length === 0) throw new Error('the other model has no decoder weights ("dec.…")');
  return { ...base, ...Object.fromEntries(added.map(([name, w]) => [`ensemble${index}/${name}`, w])) };
}
