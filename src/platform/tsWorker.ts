/**
 * A Node worker thread running a TypeScript module. Workers do not inherit the tsx loader the CLI registers
 * (bin/tuwen.mjs), so a two-line bootstrap registers it in the worker before importing the module.
 */
import { Worker } from 'node:worker_threads';

export function tsWorker(module: URL, workerData: unknown): Worker {
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(module.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}
