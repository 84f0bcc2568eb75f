import { MESSAGES, type Messages } from './i18n.ts';
import { useStore } from './store.ts';

/** The current language's messages. */
export function useMessages(): Messages {
  return MESSAGES[useStore((s) => s.lang)];
}
