/** The demo studies, one click away: thumbnail and label; a click opens the series and its text. */
import { useEffect, useState } from 'react';
import type { SampleEntry } from '../../corpus/samples.ts';
import { useStore } from '../store.ts';
import { useMessages } from '../useMessages.ts';

export function SamplesPanel() {
  const t = useMessages();
  const lang = useStore((s) => s.lang);
  const openSample = useStore((s) => s.openSample);
  const current = useStore((s) => s.sample?.id);
  const loading = useStore((s) => !!s.loading);
  const [samples, setSamples] = useState<SampleEntry[] | 'failed'>();

  useEffect(() => {
    fetch('samples/index.json')
      .then((r) => (r.ok ? (r.json() as Promise<SampleEntry[]>) : Promise.reject(new Error(String(r.status)))))
      .then(setSamples, () => setSamples('failed'));
  }, []);

  if (samples === 'failed') return null;
  return (
    <section className="panel samples" aria-label={t.samples}>
      <h2>{t.samples}</h2>
      <ul>
        {(samples ?? []).map((s) => (
          <li key={s.id}>
            <button type="button" onClick={() => void openSample(s)} disabled={loading} aria-pressed={current === s.id} data-testid={`sample-${s.id}`}>
              <img src={`samples/${s.id}.png`} alt="" width={56} height={56} />
              <span>{s.label[lang]}</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
