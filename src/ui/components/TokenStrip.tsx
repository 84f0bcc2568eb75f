/**
 * The summary as tokens coloured by β, streamed as they come (beam search: its steps so far, then the tokens); hover, click or ←→ selects a token (its
 * heatmap and text weights show elsewhere). A legend explains the colours; a model without β (the
 * generative one) gets neutral tokens and a note saying so.
 */
import { betaColor, NO_BETA_COLOR } from '../summary/colors.ts';
import { peakRegion } from '../../eval/pointing.ts';
import { useStore } from '../store.ts';
import { useMessages } from '../useMessages.ts';

export function TokenStrip() {
  const t = useMessages();
  const tokens = useStore((s) => s.summary.tokens);
  const status = useStore((s) => s.summary.status);
  const memory = useStore((s) => s.summary.memory);
  const selected = useStore((s) => s.selected);
  const shape = useStore((s) => s.summary.regionShape);
  const select = useStore((s) => s.selectToken);
  const beamSteps = useStore((s) => s.summary.beamSteps);

  function onKeyDown(event: React.KeyboardEvent) {
    const delta = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -1, ArrowDown: 1 }[event.key];
    if (delta === undefined || tokens.length === 0) return;
    event.preventDefault();
    const next = Math.max(0, Math.min(tokens.length - 1, (selected ?? -1) + delta));
    select(next);
    (event.currentTarget.querySelectorAll('button')[next] as HTMLButtonElement | undefined)?.focus();
  }

  return (
    <div>
      <p className="tokens" data-testid="tokens" data-status={status} data-count={tokens.length} data-tensors={memory?.tensors} onKeyDown={onKeyDown} aria-live="polite">
        {tokens.map((token, i) => (
          <button
            key={i}
            type="button"
            className="token"
            style={{ background: token.beta === null ? NO_BETA_COLOR : betaColor(token.beta) }}
            aria-pressed={selected === i}
            aria-label={token.beta === null ? token.text.replace(/^##/, '') : `${token.text.replace(/^##/, '')} β=${token.beta.toFixed(2)}`}
            title={token.beta === null ? t.noBeta : `β = ${token.beta.toFixed(3)}`}
            tabIndex={selected === i || (selected === undefined && i === 0) ? 0 : -1}
            onMouseEnter={() => select(i)}
            onFocus={() => select(i)}
            onClick={() => select(i)}
            data-beta={token.beta ?? undefined}
            data-ms={token.ms.toFixed(2)}
            data-peak={shape && Object.values(peakRegion(token.visual, shape)).join('-')}
          >
            {token.text.replace(/^##/, '')}
          </button>
        ))}
        {status === 'running' && <span className="cursor" aria-hidden="true" />}
      </p>
      {status === 'running' && tokens.length === 0 && beamSteps && (
        <div className="progress" role="status" data-testid="beam-progress" data-steps={beamSteps.steps}>
          <span>{t.beamProgress(beamSteps.steps, beamSteps.maxLength)}</span>
          <progress max={beamSteps.maxLength} value={beamSteps.steps} />
        </div>
      )}
      {tokens.some((token) => token.beta === null) ? (
        <div className="legend" data-testid="no-beta-note">
          <small>{t.noBeta}</small>
        </div>
      ) : (
        <div className="legend" data-testid="beta-legend">
          <span>{t.fromGenerator}</span>
          <span className="scale" aria-hidden="true" style={{ background: `linear-gradient(90deg, ${betaColor(0)}, ${betaColor(1)})` }} />
          <span>{t.fromRetrieved}</span>
          <small>{t.betaLegend}</small>
        </div>
      )}
      <small className="hint">{t.tokenHelp}</small>
    </div>
  );
}
