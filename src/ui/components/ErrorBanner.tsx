/** Why the last files could not be opened: the specific reason, in the page's language, plus the detail. */
import { useStore } from '../store.ts';
import { useMessages } from '../useMessages.ts';

export function ErrorBanner() {
  const t = useMessages();
  const error = useStore((s) => s.error);
  const dismiss = useStore((s) => s.dismissError);
  if (!error) return null;
  return (
    <div className="error" role="alert" data-testid="error" data-code={error.code}>
      <div>
        <strong>
          {t.errorTitle} {error.files.join(', ')}
        </strong>
        <p>{t.errors[error.code]}</p>
        <p className="detail">{error.message}</p>
      </div>
      <button type="button" onClick={dismiss} aria-label={t.dismiss}>
        ×
      </button>
    </div>
  );
}
