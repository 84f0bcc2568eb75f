/** The page itself: language, the compute backend the worker runs on, updates, worker restarts. */
import type { BackendName, BackendRequest } from '../../inference/backend.ts';
import type { Lang } from '../i18n.ts';
import { isWorkerError, type Slice, type WorkerLink } from './slice.ts';

export interface BackendState {
  backend?: BackendName;
  skipped: { backend: BackendName; reason: string }[];
  selfTest?: number[];
  gflops?: number;
  ms?: number;
  error?: string;
}

export interface AppSlice {
  lang: Lang;
  backend: BackendState;
  /** A new version of the app is installed and waiting (service worker). */
  updateReady: boolean;
  /** Times the worker crashed and was restored. */
  restarts: number;
  setLang: (lang: Lang) => void;
  initBackend: (request: BackendRequest) => Promise<void>;
}

export const createAppSlice =
  ({ worker, session }: WorkerLink): Slice<AppSlice> =>
  (set) => ({
    lang: 'zh',
    backend: { skipped: [] },
    updateReady: false,
    restarts: 0,
    setLang: (lang) => set({ lang }),
    async initBackend(request) {
      session.backendRequest = request;
      try {
        const ready = await worker.request({ type: 'init-backend', request }, 'backend-ready');
        set({ backend: { backend: ready.backend, skipped: ready.skipped, selfTest: ready.selfTest, gflops: ready.gflops, ms: ready.ms } });
      } catch (err) {
        set({ backend: { skipped: [], error: isWorkerError(err) ? err.message : String(err) } });
      }
    },
  });
