/** Window presets (CT only) and the slice slider under the viewer. */
import { useStore } from '../store.ts';
import { useMessages } from '../useMessages.ts';
import { matchingPreset, presetsApply, type PresetId } from '../viewer/windowPresets.ts';

const PRESETS: PresetId[] = ['lung', 'mediastinum', 'bone'];

export function ViewerControls() {
  const t = useMessages();
  const study = useStore((s) => s.study);
  const voi = useStore((s) => s.voi);
  const slice = useStore((s) => s.slice);
  const setPreset = useStore((s) => s.setPreset);
  const setSlice = useStore((s) => s.setSlice);
  const heatmap = useStore((s) => s.heatmap);
  const setHeatmap = useStore((s) => s.setHeatmap);
  // Only a model with a pointing head has two attentions to choose between.
  const twoAttentions = useStore((s) => s.summary.tokens.some((token) => token.reading));
  if (!study) return null;
  const ct = presetsApply(study.header.modality);
  const active = matchingPreset(voi);
  return (
    <div className="viewer-controls">
      <div className="presets" role="group" aria-label={t.window}>
        <span className="label">{t.window}</span>
        {PRESETS.map((id) => (
          <button
            key={id}
            type="button"
            aria-pressed={ct && active === id}
            disabled={!ct}
            title={ct ? undefined : t.presetsCtOnly}
            onClick={() => setPreset(id)}
            data-testid={`preset-${id}`}
          >
            {t[id]}
          </button>
        ))}
        {ct && !active && <span className="custom">{t.custom}</span>}
      </div>
      {twoAttentions && (
        <div className="presets" role="group" aria-label={t.heatmapView}>
          <span className="label">{t.heatmapView}</span>
          {(['pointing', 'reading'] as const).map((view) => (
            <button key={view} type="button" aria-pressed={heatmap === view} title={view === 'pointing' ? t.pointingHelp : t.readingHelp} onClick={() => setHeatmap(view)} data-testid={`heatmap-${view}`}>
              {view === 'pointing' ? t.pointingView : t.readingView}
            </button>
          ))}
        </div>
      )}
      {study.depth > 1 && (
        <label className="slice-slider">
          {t.slice} {slice + 1}/{study.depth}
          <input type="range" min={0} max={study.depth - 1} value={slice} onChange={(e) => setSlice(Number(e.target.value))} data-testid="slice-slider" />
        </label>
      )}
      <p className="hint">{t.dragHint}</p>
    </div>
  );
}
