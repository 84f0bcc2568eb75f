/** The summary: settings and generate, the streamed tokens coloured by β, the β chart, timings and exports; a notice when it was made without text, and one naming the findings it wrote from the image that the text leaves out. */
import { useStore } from '../store.ts';
import { useMessages } from '../useMessages.ts';
import { BetaChart } from './BetaChart.tsx';
import { ExportButtons } from './ExportButtons.tsx';
import { SummaryControls } from './SummaryControls.tsx';
import { TokenStrip } from './TokenStrip.tsx';
import { imagedNotice } from '../summary/imagedNotice.ts';

export function SummaryPanel() {
  const t = useMessages();
  const summary = useStore((s) => s.summary);
  const timings = summary.timings;
  return (
    <section className="panel summary" data-testid="summary">
      <h2>{t.summaryTitle}</h2>
      <SummaryControls />
      {summary.status === 'error' && summary.error && (
        <p className="error" role="alert" data-testid="summary-error">
          {t.errors[summary.error.code]} <span className="detail">{summary.error.message}</span>
        </p>
      )}
      {summary.status !== 'idle' && summary.text?.trim() === '' && (
        <p className="notice" role="status" data-testid="no-text">
          {t.noText}
        </p>
      )}
      <TokenStrip />
      {summary.status === 'done' && summary.imaged?.length ? (
        <p className="notice" role="status" data-testid="imaged">
          {imagedNotice(t.imaged, summary.imaged)}
        </p>
      ) : null}
      <BetaChart />
      {timings && (
        <p className="timings" data-testid="timings" data-encode={timings.encode} data-retrieve={timings.retrieve} data-first={timings.firstToken} data-decode={timings.decode} data-tokens={timings.tokens} data-context={summary.contextLength}>
          {t.timings}: {t.encodeTime} {Math.round(timings.encode)} ms · {t.retrieveTime} {Math.round(timings.retrieve)} ms
          {timings.firstToken !== undefined && ` · ${t.firstToken} ${Math.round(timings.firstToken)} ms`}
          {timings.decode !== undefined && timings.tokens ? ` · ${t.perToken} ${(timings.decode / timings.tokens).toFixed(1)} ms · ${t.total} ${Math.round(timings.encode + timings.retrieve + timings.decode)} ms` : ''}
        </p>
      )}
      <ExportButtons />
      <small className="disclaimer">{t.disclaimer}</small>
    </section>
  );
}
