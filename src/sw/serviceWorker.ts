/// <reference lib="webworker" />
/**
 * Tuwen's service worker: after the first visit the app works offline. At install it caches every file of
 * the build — app shell, worker, wasm, models, demo studies — in one `cache.addAll`, which stores all or
 * nothing, so a half-downloaded model is never served; the worker still checks each model file's SHA-256.
 * It answers same-origin GETs from that cache (ignoring the query, so `?backend=wasm` works offline) and
 * leaves everything else to the network. A new build has a new version: it waits until the page says
 * "skip-waiting" (the page's update prompt), then replaces the old cache.
 *
 * The build (vite.config.ts, `tuwenServiceWorker`) replaces the manifest placeholder with the file list
 * and a version derived from the files' contents.
 */
export {};
declare const self: ServiceWorkerGlobalScope;

const MANIFEST = JSON.parse('__TUWEN_SW_MANIFEST__') as { version: string; files: string[] };
const CACHE = `tuwen-${MANIFEST.version}`;
/** The app's root (the scope), which serves index.html. */
const ROOT = new URL('./', self.registration.scope).href;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll([ROOT, ...MANIFEST.files.map((f) => new URL(f, ROOT).href)])));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) if (name.startsWith('tuwen-') && name !== CACHE) await caches.delete(name);
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('message', (event) => {
  if (event.data === 'skip-waiting') void self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || !request.url.startsWith(ROOT)) return;
  event.respondWith(
    (async () => {
      const cache = await caches.open(CACHE);
      const key = request.mode === 'navigate' ? ROOT : request;
      // ignoreVary: the server may vary on Origin, which module scripts send and cache.addAll did not.
      return (await cache.match(key, { ignoreSearch: true, ignoreVary: true })) ?? fetch(request);
    })(),
  );
});
