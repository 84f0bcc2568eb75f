/** Decoding progress: which stage, how many files, which file. */
import { useStore } from '../store.ts';
import { useMessages } from '../useMessages.ts';

export function ProgressBar() {
  const t = useMessages();
  const loading = useStore((s) => s.loading);
  if (!loading) return null;
  const label = loading.stage === 'assembling' ? t.assembling : `${t.loading} ${loading.file ?? ''}`;
  return (
    <div className="progress" role="status" data-testid="progress">
      <span>
        {label} ({loading.done}/{loading.total})
      </span>
      <progress max={loading.total} value={loading.done} />
    </div>
  );
}
