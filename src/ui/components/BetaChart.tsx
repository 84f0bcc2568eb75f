/** β over the whole summary: one bar per token (0 = generated, 1 = retrieved), the selected one marked; nothing for a model without β. */
import { betaColor } from '../summary/colors.ts';
import { useStore } from '../store.ts';
import { useMessages } from '../useMessages.ts';

export function BetaChart() {
  const t = useMessages();
  const tokens = useStore((s) => s.summary.tokens);
  const selected = useStore((s) => s.selected);
  const select = useStore((s) => s.selectToken);
  if (tokens.length === 0 || tokens.some((token) => token.beta === null)) return null;
  const width = 100 / Math.max(tokens.length, 24);
  return (
    <figure className="beta-chart">
      <svg viewBox="0 0 100 30" preserveAspectRatio="none" role="img" aria-label={t.betaChart} data-testid="beta-chart">
        <line x1="0" x2="100" y1="15" y2="15" className="mid" />
        {tokens.map((token, i) => token.beta !== null && (
          <rect key={i} x={i * width} y={30 - 30 * token.beta} width={width * 0.85} height={Math.max(0.5, 30 * token.beta)} fill={betaColor(token.beta)} className={selected === i ? 'on' : undefined} onMouseEnter={() => select(i)} />
        ))}
      </svg>
      <figcaption>{t.betaChart} (0–1)</figcaption>
    </figure>
  );
}
