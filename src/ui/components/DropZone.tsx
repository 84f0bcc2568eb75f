/** Drop zone and file picker: hands every dropped or chosen file to the store in one go (a series). */
import { useRef, useState } from 'react';
import { formatBytes, LIMITS } from '../../intake/limits.ts';
import { useStore } from '../store.ts';
import { useMessages } from '../useMessages.ts';

export function DropZone() {
  const t = useMessages();
  const openFiles = useStore((s) => s.openFiles);
  const loading = useStore((s) => s.loading);
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);

  return (
    <section
      className={`dropzone${over ? ' over' : ''}`}
      data-testid="dropzone"
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        void openFiles([...e.dataTransfer.files]);
      }}
    >
      <strong>{t.dropTitle}</strong>
      <span>
        {t.dropHint}{' '}
        <button type="button" className="link" onClick={() => input.current?.click()} disabled={!!loading}>
          {t.pickFiles}
        </button>
      </span>
      <small>
        {t.privacy} {t.limit}: {formatBytes(LIMITS.maxFileBytes)}
      </small>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        accept=".dcm,.dicom,application/dicom,image/png,image/jpeg,*/*"
        data-testid="file-input"
        onChange={(e) => {
          void openFiles([...(e.target.files ?? [])]);
          e.target.value = ''; // choosing the same file again must fire change again
        }}
      />
    </section>
  );
}
