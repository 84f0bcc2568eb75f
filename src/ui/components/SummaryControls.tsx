/** The model (retrieval or generative), generate / cancel, and the decoding settings (greedy or beam, beam size, balanced brackets, items in sequence, an item per salient sentence, k passages, max length); the model's load state. */
import { MODELS, modelUrl } from '../models.ts';
import { useStore } from '../store.ts';
import { useMessages } from '../useMessages.ts';

export function SummaryControls() {
  const t = useMessages();
  const model = useStore((s) => s.model);
  const loadModel = useStore((s) => s.loadModel);
  const study = useStore((s) => s.study);
  // While another study loads, the one on screen is about to go (and a demo's text is already the new one's).
  const studyLoading = useStore((s) => s.loading !== undefined);
  const status = useStore((s) => s.summary.status);
  const settings = useStore((s) => s.settings);
  const setSettings = useStore((s) => s.setSettings);
  const summarize = useStore((s) => s.summarize);
  const cancel = useStore((s) => s.cancelSummary);
  const running = status === 'running';
  const chosen = MODELS.find((m) => modelUrl(m.path) === model.base);
  const number = (value: string, min: number, max: number) => Math.max(min, Math.min(max, Math.round(Number(value) || min)));
  return (
    <div className="summary-controls">
      {model.status === 'loading' && (
        <div className="progress" role="status" data-testid="model-progress">
          <span>{t.modelLoading}</span>
          <progress max={model.total ?? 1} value={model.loaded ?? 0} />
        </div>
      )}
      {model.status === 'error' && model.error && (
        <p className="error" role="alert" data-testid="model-error">
          {t.modelFailed}: {t.errors[model.error.code]} <span className="detail">{model.error.message}</span>
        </p>
      )}
      <div className="row">
        <label>
          {t.modelChoice}{' '}
          <select value={chosen?.id ?? ''} onChange={(e) => void loadModel(modelUrl(MODELS.find((m) => m.id === e.target.value)!.path))} disabled={running || model.status === 'loading'} data-testid="model-select">
            {!chosen && <option value="">{model.name ?? '—'}</option>}
            {MODELS.map((m) => (
              <option key={m.id} value={m.id}>
                {t.models[m.id]}
              </option>
            ))}
          </select>
        </label>
        {running ? (
          <button type="button" className="primary" onClick={cancel} data-testid="cancel">
            {t.cancel}
          </button>
        ) : (
          <button type="button" className="primary" onClick={() => void summarize()} disabled={model.status !== 'ready' || !study || studyLoading} data-testid="generate">
            {t.generate}
          </button>
        )}
        <label>
          {t.decoding}{' '}
          <select value={settings.beamSize > 1 ? 'beam' : 'greedy'} onChange={(e) => setSettings({ beamSize: e.target.value === 'beam' ? 3 : 1 })} disabled={running} data-testid="decoding">
            <option value="greedy">{t.greedy}</option>
            <option value="beam">{t.beam}</option>
          </select>
        </label>
        {settings.beamSize > 1 && (
          <label>
            {t.beamSize} <input type="number" min={2} max={8} value={settings.beamSize} onChange={(e) => setSettings({ beamSize: number(e.target.value, 2, 8) })} disabled={running} data-testid="beam-size" />
          </label>
        )}
        <label title={t.balancedBracketsHint}>
          <input type="checkbox" checked={settings.balancedBrackets && settings.beamSize > 1} onChange={(e) => setSettings({ balancedBrackets: e.target.checked })} disabled={running || model.kind === 'generative' || settings.beamSize === 1} data-testid="balanced-brackets" /> {t.balancedBrackets}
        </label>
        <label title={t.sequentialItemsHint}>
          <input type="checkbox" checked={settings.sequentialItems} onChange={(e) => setSettings({ sequentialItems: e.target.checked })} disabled={running} data-testid="sequential-items" /> {t.sequentialItems}
        </label>
        <label title={t.salientItemsHint}>
          <input type="checkbox" checked={settings.salientItems && settings.sequentialItems && model.kind !== 'generative'} onChange={(e) => setSettings({ salientItems: e.target.checked })} disabled={running || model.kind === 'generative' || !settings.sequentialItems} data-testid="salient-items" /> {t.salientItems}
        </label>
        <label title={t.statedCountsHint}>
          <input type="checkbox" checked={settings.statedCounts} onChange={(e) => setSettings({ statedCounts: e.target.checked })} disabled={running} data-testid="stated-counts" /> {t.statedCounts}
        </label>
        <label title={t.omittedLobesHint}>
          <input type="checkbox" checked={settings.omittedLobes && model.kind !== 'generative'} onChange={(e) => setSettings({ omittedLobes: e.target.checked })} disabled={running || model.kind === 'generative'} data-testid="omitted-lobes" /> {t.omittedLobes}
        </label>
        <label>
          {t.passagesK} <input type="number" min={0} max={5} value={settings.k} onChange={(e) => setSettings({ k: number(e.target.value, 0, 5) })} disabled={running || model.kind === 'generative'} data-testid="k" />
        </label>
        <label>
          {t.maxLength} <input type="number" min={4} max={256} value={settings.maxLength} onChange={(e) => setSettings({ maxLength: number(e.target.value, 4, 256) })} disabled={running} />
        </label>
      </div>
    </div>
  );
}
