/** The page: composes the panels; all state lives in the store. */
import { useEffect } from 'react';
import type { BackendName, BackendRequest } from '../inference/backend.ts';
import { DropZone } from './components/DropZone.tsx';
import { PassagesPanel } from './components/PassagesPanel.tsx';
import { SummaryPanel } from './components/SummaryPanel.tsx';
import { ErrorBanner } from './components/ErrorBanner.tsx';
import { ProgressBar } from './components/ProgressBar.tsx';
import { SamplesPanel } from './components/SamplesPanel.tsx';
import { StatusBar } from './components/StatusBar.tsx';
import { TagsPanel } from './components/TagsPanel.tsx';
import { TextPanel } from './components/TextPanel.tsx';
import { Viewer } from './components/Viewer.tsx';
import { ViewerControls } from './components/ViewerControls.tsx';
import { applyUpdate, registerServiceWorker } from './registerServiceWorker.ts';
import { useStore } from './store.ts';
import { modelUrl } from './models.ts';
import { useMessages } from './useMessages.ts';

const BACKENDS: BackendName[] = ['webgpu', 'wasm', 'cpu'];

/**
 * `?backend=wasm` (or webgpu, cpu) forces one backend first; by default WebGPU, then wasm, then cpu. Asked
 * for by name, WebGPU runs on a software adapter too.
 */
function backendRequest(): BackendRequest {
  const asked = new URLSearchParams(location.search).get('backend') as BackendName | null;
  const preferred = asked && BACKENDS.includes(asked) ? [asked, ...BACKENDS.filter((b) => b !== asked)] : BACKENDS;
  return { preferred, softwareWebGPU: asked === 'webgpu' };
}


export function App() {
  const t = useMessages();
  const lang = useStore((s) => s.lang);
  const setLang = useStore((s) => s.setLang);
  const initBackend = useStore((s) => s.initBackend);
  const loadModel = useStore((s) => s.loadModel);
  const updateReady = useStore((s) => s.updateReady);

  // The backend first (the model's tensors live on it), then the model.
  useEffect(() => {
    void initBackend(backendRequest()).then(() => loadModel(modelUrl()));
  }, [initBackend, loadModel]);
  useEffect(() => registerServiceWorker(() => useStore.setState({ updateReady: true })), []);
  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  }, [lang]);

  return (
    <div className="app">
      <header className="top">
        <div>
          <h1>{t.title}</h1>
          <p>{t.tagline}</p>
        </div>
        <button type="button" onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')} data-testid="lang">
          {t.language}
        </button>
      </header>
      {updateReady && (
        <div className="update" role="status" data-testid="update">
          {t.updateReady}{' '}
          <button type="button" onClick={applyUpdate}>
            {t.reload}
          </button>
        </div>
      )}
      <main className="layout">
        <div className="left">
          <DropZone />
          <ProgressBar />
          <ErrorBanner />
          <Viewer />
          <ViewerControls />
          <SummaryPanel />
        </div>
        <aside className="right">
          <TextPanel />
          <SamplesPanel />
          <PassagesPanel />
          <TagsPanel />
        </aside>
      </main>
      <StatusBar />
    </div>
  );
}
