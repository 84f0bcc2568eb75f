/** The Chinese text that comes with the image; kept in the store, independent of the image. */
import { useStore } from '../store.ts';
import { useMessages } from '../useMessages.ts';

export function TextPanel() {
  const t = useMessages();
  const text = useStore((s) => s.text);
  const setText = useStore((s) => s.setText);
  const previousText = useStore((s) => s.previousText);
  const restoreText = useStore((s) => s.restoreText);
  return (
    <section className="panel text-panel">
      <label htmlFor="findings">{t.textLabel}</label>
      <textarea id="findings" data-testid="text" lang="zh-CN" rows={7} value={text} placeholder={t.textPlaceholder} onChange={(e) => setText(e.target.value)} />
      <small>{t.textKept}</small>
      {previousText !== undefined && (
        <button type="button" className="link" onClick={restoreText} data-testid="restore-text">
          {t.restoreText}
        </button>
      )}
    </section>
  );
}
