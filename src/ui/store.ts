/**
 * The page's one store, composed of typed slices (store/: study, view, text, app, summary). Store actions
 * are the only code that talks to the worker; components read one value per selector.
 */
import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';
import { createAppSlice } from './store/app.ts';
import type { TuwenState, WorkerLink } from './store/slice.ts';
import { createStudySlice } from './store/study.ts';
import { createSummarySlice } from './store/summary.ts';
import { createTextSlice } from './store/text.ts';
import { createViewSlice } from './store/view.ts';
import { WorkerClient } from './workerClient.ts';

export type { TuwenState } from './store/slice.ts';
export type { SummaryState } from './store/summary.ts';

const link: WorkerLink = {
  session: {},
  worker: new WorkerClient(
    () => new Worker(new URL('../workers/tuwen.worker.ts', import.meta.url), { type: 'module', name: 'tuwen' }),
    () => void restoreWorker(),
    (event) => {
      if (event.type === 'backend-lost') {
        const { backend } = useStore.getState();
        useStore.setState({ backend: { ...backend, backend: event.backend, skipped: [...backend.skipped, { backend: 'webgpu', reason: event.reason }] } });
      }
    },
  ),
};

/** After a worker crash (or running out of memory): the same backend, model and study in the new one; the page keeps its view and text. */
async function restoreWorker(): Promise<void> {
  const { initBackend, loadModel } = useStore.getState();
  const { session, worker } = link;
  if (session.backendRequest) await initBackend(session.backendRequest);
  if (session.modelBase) await loadModel(session.modelBase);
  if (session.files) {
    const payload = await Promise.all(session.files.map(async (f) => ({ name: f.name, bytes: await f.arrayBuffer() })));
    await worker.request({ type: 'open', files: payload }, 'opened', payload.map((p) => p.bytes)).catch(() => undefined);
  }
  useStore.setState({ restarts: useStore.getState().restarts + 1 });
}

export const useStore = create<TuwenState>()(
  persist(
    (...a) => ({ ...createStudySlice(link)(...a), ...createViewSlice(...a), ...createTextSlice(...a), ...createAppSlice(link)(...a), ...createSummarySlice(link)(...a) }),
    {
      name: 'tuwen',
      // The text survives reloads of this tab only (sessionStorage): it is patient data, so it is not
      // kept once the tab is closed. The language is a preference.
      storage: createJSONStorage(() => sessionStorage),
      partialize: (s) => ({ text: s.text, previousText: s.previousText, lang: s.lang, settings: s.settings }),
    },
  ),
);
