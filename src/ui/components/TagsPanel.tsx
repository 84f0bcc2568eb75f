/** Key tags of the open study; patient-identifying ones only on request. */
import { transferSyntaxName } from '../../intake/dicom/transferSyntax.ts';
import { useStore } from '../store.ts';
import { useMessages } from '../useMessages.ts';

const mm = (v: number | undefined) => (v === undefined ? undefined : `${+v.toFixed(3)} mm`);

export function TagsPanel() {
  const t = useMessages();
  const study = useStore((s) => s.study);
  const showPatient = useStore((s) => s.showPatient);
  const togglePatient = useStore((s) => s.togglePatient);
  if (!study) return null;
  const h = study.header;
  const rows: [string, string | undefined][] = [
    [t.modality, h.modality],
    [t.size, `${study.width} × ${study.height}`],
    [t.slices, String(study.depth)],
    [t.spacing, study.pixelSpacing && study.pixelSpacing.map((v) => +v.toFixed(3)).join(' × ') + ' mm'],
    [t.sliceSpacing, mm(study.sliceSpacing)],
    [t.transferSyntax, study.source === 'dicom' ? transferSyntaxName(h.transferSyntax) : `${study.source.toUpperCase()} (${t.picture})`],
    [t.photometric, h.photometric],
    [t.rescale, `${h.slope} / ${h.intercept}`],
    [t.valueRange, `${+study.stats.min.toFixed(2)} … ${+study.stats.max.toFixed(2)} (μ ${+study.stats.mean.toFixed(2)})`],
    [t.files, study.fileNames.length > 3 ? `${study.fileNames.length}` : study.fileNames.join(', ')],
  ];
  const patient: [string, string | undefined][] = [
    [t.patientName, h.patient.name],
    [t.patientId, h.patient.id],
    [t.birthDate, h.patient.birthDate],
    [t.sex, h.patient.sex],
  ];
  return (
    <section className="panel tags" data-testid="tags">
      <h2>{t.tags}</h2>
      <dl>
        {rows.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v ?? '—'}</dd>
          </div>
        ))}
        {showPatient &&
          patient.map(([k, v]) => (
            <div key={k} className="patient">
              <dt>{k}</dt>
              <dd>{v ?? '—'}</dd>
            </div>
          ))}
      </dl>
      <button type="button" className="link" onClick={togglePatient} aria-expanded={showPatient} data-testid="toggle-patient">
        {showPatient ? t.hidePatient : t.showPatient}
      </button>
    </section>
  );
}
