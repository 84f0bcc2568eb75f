/**
 * Registers the service worker (production builds only: dev serves from source) and reports a waiting
 * new version, so the page can offer to update; `applyUpdate` lets it take over and reloads once it has.
 */
let waiting: ServiceWorker | undefined;

export function registerServiceWorker(onUpdateReady: () => void): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  const watch = (registration: ServiceWorkerRegistration) => {
    const found = () => {
      // A new version is waiting only when an old one controls this page (the first install is not an update).
      if (registration.waiting && navigator.serviceWorker.controller) {
        waiting = registration.waiting;
        onUpdateReady();
      }
    };
    found();
    registration.addEventListener('updatefound', () => registration.installing?.addEventListener('statechange', found));
  };
  // A browser that blocks service workers (a policy, or a test harness) may resolve with no registration.
  navigator.serviceWorker.register(new URL('sw.js', document.baseURI), { type: 'module' }).then(
    (registration: ServiceWorkerRegistration | undefined) => registration && watch(registration),
    (err: unknown) => console.warn('service worker not registered:', err),
  );
}

export function applyUpdate(): void {
  if (!waiting) return;
  navigator.serviceWorker.addEventListener('controllerchange', () => location.reload(), { once: true });
  waiting.postMessage('skip-waiting');
}
