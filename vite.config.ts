import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  // Relative asset URLs: the build works from any static host and any sub-path.
  base: './',
  plugins: [react()],
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    // tfjs and the codecs are large by nature; they load in the worker, not on the page's first paint.
    chunkSizeWarningLimit: 4096,
  },
  preview: { host: '127.0.0.1' },
});
