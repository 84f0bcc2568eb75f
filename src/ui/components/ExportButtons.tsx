/** Export the summary: JSON (tokens, β, attention), PNG (image + heatmap + summary), DICOM Basic Text SR (DICOM input only). */
import * as cornerstone from 'cornerstone-core';
import { basicTextSr } from '../../export/basicTextSr.ts';
import { download, summaryJson, summaryPng } from '../summary/exports.ts';
import { imagedNotice } from '../summary/imagedNotice.ts';
import { useStore } from '../store.ts';
import { useMessages } from '../useMessages.ts';

export function ExportButtons() {
  const t = useMessages();
  const summary = useStore((s) => s.summary);
  const study = useStore((s) => s.study);
  const model = useStore((s) => s.model);
  if (summary.status !== 'done' || !study) return null;
  const text = summary.summary ?? '';
  const modelName = `${model.name ?? 'model'} (${model.params ?? 0} ${t.params})`;
  const stamp = new Date().toISOString().slice(0, 19).replaceAll(':', '-');

  function json() {
    download(new Blob([JSON.stringify(summaryJson(summary, modelName), null, 1)], { type: 'application/json' }), `tuwen-summary-${stamp}.json`);
  }
  async function png() {
    const viewer = document.querySelector<HTMLElement>('[data-testid="viewer"]')!;
    const canvas = cornerstone.getEnabledElement(viewer).canvas!;
    download(await summaryPng(canvas, text, `${t.summaryTitle} — ${t.disclaimer}`), `tuwen-summary-${stamp}.png`);
  }
  function sr() {
    const h = study!.header;
    const bytes = basicTextSr({ summary: text, ...(h.studyInstanceUid ? { studyInstanceUid: h.studyInstanceUid } : {}), ...(h.studyDate ? { studyDate: h.studyDate } : {}), patient: h.patient, observer: `Tuwen ${modelName}`, comments: summary.imaged?.length ? [imagedNotice(t.imaged, summary.imaged)] : [] });
    download(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/dicom' }), `tuwen-summary-${stamp}.dcm`);
  }

  return (
    <div className="exports" role="group" aria-label={t.export}>
      <span>{t.export}:</span>
      <button type="button" onClick={json} data-testid="export-json">
        {t.exportJson}
      </button>
      <button type="button" onClick={() => void png()} data-testid="export-png">
        {t.exportPng}
      </button>
      {study.source === 'dicom' && (
        <button type="button" onClick={sr} data-testid="export-sr">
          {t.exportSr}
        </button>
      )}
    </div>
  );
}
