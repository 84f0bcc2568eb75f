/**
 * The retrieved passages with their similarity scores, and the input text; for the selected token, the
 * decoder's attention over their tokens as highlights (relative to the token's largest weight), and, for a
 * model with sentence attention, the input sentence it weighs most outlined. A model that retrieves nothing
 * (the generative one) shows the input text alone, lit by its cross-attention.
 */
import { attendedSentence, SENTENCE_END, sentenceSpans } from '../../text/sentences.ts';
import { relativeWeights } from '../summary/colors.ts';
import { useStore } from '../store.ts';
import { useMessages } from '../useMessages.ts';

/** Tokens with a highlight per weight (already relative: 1 = the token's largest weight). */
function Weighted({ tokens, weights }: { tokens: string[]; weights?: Float32Array }) {
  return (
    <span className="weighted">
      {tokens.map((token, i) => {
        const w = weights?.[i] ?? 0;
        return (
          <span key={i} style={w > 0.02 ? { background: `rgba(14, 165, 233, ${(0.15 + 0.85 * w).toFixed(2)})` } : undefined} data-weight={w.toFixed(3)}>
            {token.replace(/^##/, '')}
          </span>
        );
      })}
    </span>
  );
}

/**
 * The input text sentence by sentence; the one `sentenceWeights` weighs most is outlined. The last `imaged`
 * sentences are the page's, not the person's: findings read from the image, marked so.
 */
function InputSentences({ tokens, weights, sentenceWeights, imaged = 0 }: { tokens: string[]; weights?: Float32Array; sentenceWeights?: Float32Array; imaged?: number }) {
  const t = useMessages();
  const spans = sentenceSpans(tokens, SENTENCE_END);
  const top = attendedSentence(sentenceWeights, spans.length);
  const added = spans.length - imaged;
  return (
    <>
      {spans.map(([from, to], k) => (
        <span key={k} className={[k === top ? 'restating' : '', k >= added ? 'imaged-sentence' : ''].filter(Boolean).join(' ') || undefined} data-testid={k === top ? 'restating' : k >= added ? 'imaged-sentence' : undefined} data-sentence-weight={sentenceWeights?.[k]?.toFixed(3)} title={k >= added ? t.imagedSentence : undefined}>
          {k >= added && <span className="imaged-mark">{t.imagedSentence}</span>}
          <Weighted tokens={tokens.slice(from, to)} {...(weights ? { weights: weights.slice(from, to) } : {})} />
        </span>
      ))}
      {top >= 0 && (
        <p className="restating-note">
          {t.restating} {(100 * sentenceWeights![top]!).toFixed(0)} %)
        </p>
      )}
    </>
  );
}

export function PassagesPanel() {
  const t = useMessages();
  const summary = useStore((s) => s.summary);
  const selected = useStore((s) => s.selected);
  const mmr = useStore((s) => s.model.mmr);
  if (summary.passages.length === 0 && summary.inputTokens.length === 0) return null;
  const token = selected === undefined ? undefined : summary.tokens[selected];
  // Each token's weights are over all context tokens; normalise over that whole context, so that colours compare across passages.
  const all = token ? relativeWeights(Float32Array.from([...token.passageWeights.flatMap((w) => Array.from(w)), ...token.textWeights])) : undefined;
  let at = 0;
  const slices = token ? [...token.passageWeights.map((w) => all!.slice(at, (at += w.length))), all!.slice(at)] : [];
  return (
    <section className="panel passages" data-testid="passages">
      <h2>{summary.passages.length === 0 ? t.inputAttention : t.passages}</h2>
      {summary.passages.length === 0 && <p className="hint" data-testid="no-passages">{t.noPassages}</p>}
      {summary.passages.length > 0 && mmr !== undefined && <p className="hint" data-testid="mmr-order">{t.mmrOrder(mmr)}</p>}
      <ol>
        {summary.passages.map((p, i) => (
          <li key={p.id} className={p.tokens ? 'in-context' : undefined}>
            <div className="meta">
              <span>
                {t.score} {p.score.toFixed(3)}
              </span>
              {p.tokens && <span className="badge">{t.inContext}</span>}
            </div>
            {p.tokens ? <Weighted tokens={p.tokens} weights={slices[i]} /> : <span className="plain">{p.text}</span>}
          </li>
        ))}
      </ol>
      {summary.inputTokens.length > 0 && (
        <div className="input-weights">
          <h3>{t.inputText}</h3>
          <InputSentences tokens={summary.inputTokens} imaged={summary.imagedSentences ?? 0} {...(token ? { weights: slices[slices.length - 1]! } : {})} {...(token?.sentenceWeights ? { sentenceWeights: token.sentenceWeights } : {})} />
        </div>
      )}
    </section>
  );
}
