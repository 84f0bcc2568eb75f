/** Backend in use (and why others were skipped), the model, the self-test result, and the last decode time. */
import { useStore } from '../store.ts';
import { useMessages } from '../useMessages.ts';

export function StatusBar() {
  const t = useMessages();
  const backend = useStore((s) => s.backend);
  const study = useStore((s) => s.study);
  const restarts = useStore((s) => s.restarts);
  const model = useStore((s) => s.model);
  const name = backend.error ? `✗ ${backend.error}` : (backend.backend ?? t.backendStarting);
  return (
    <footer className="status" data-testid="status">
      <span data-testid="backend" data-backend={backend.backend ?? ''}>
        {t.backend}: {name}
        {backend.ms !== undefined && ` (${Math.round(backend.ms)} ms)`}
      </span>
      {model.status === 'ready' && model.name && (
        <span data-testid="model-name" data-kind={model.kind}>
          {t.modelChoice}: {model.name} ({((model.params ?? 0) / 1e6).toFixed(2)} M)
        </span>
      )}
      {backend.skipped.length > 0 && (
        <span className="fallback" title={backend.skipped.map((s) => `${s.backend}: ${s.reason}`).join('\n')}>
          {t.fallback}: {backend.skipped.map((s) => `${s.backend} (${s.reason})`).join('; ')}
        </span>
      )}
      {backend.selfTest && (
        <span data-testid="selftest" data-values={JSON.stringify(backend.selfTest)} title={t.selfTest}>
          {t.selfTest}: Σ = {backend.selfTest.reduce((a, b) => a + b, 0).toFixed(4)}
        </span>
      )}
      {backend.gflops !== undefined && (
        <span data-testid="gflops" data-gflops={backend.gflops}>
          matMul {backend.gflops.toFixed(1)} GFLOP/s
        </span>
      )}
      {restarts > 0 && (
        <span className="fallback" data-testid="restarts" data-restarts={restarts}>
          {t.workerRestarted} ×{restarts}
        </span>
      )}
      {study && (
        <span>
          {t.decodeTime}: {Math.round(study.decodeMs)} ms
        </span>
      )}
    </footer>
  );
}
