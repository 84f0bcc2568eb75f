import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { tuwenServiceWorker } from './scripts/serviceWorkerPlugin.ts';

export default defineConfig({
  // Relative asset URLs: the build works from any static host and any sub-path.
  base: './',
  plugins: [react(), tuwenServiceWorker()],
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    // tfjs and the codecs are large by nature; they load in the worker, not on the page's first paint.
    chunkSizeWarningLimit: 4096,
    rollupOptions: {
      // The service worker is its own entry, at a fixed name next to index.html (its scope is the app's folder).
      input: { main: 'index.html', sw: 'src/sw/serviceWorker.ts' },
      output: { entryFileNames: (chunk) => (chunk.name === 'sw' ? 'sw.js' : 'assets/[name]-[hash].js') },
    },
  },
  preview: { host: '127.0.0.1' },
});
