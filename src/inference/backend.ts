/**
 * Picks the tfjs backend: the first of the preferred list that initialises, remembering why the others
 * did not (the page shows it, so a fallback is never silent — tfjs itself falls back quietly). A software
 * WebGPU adapter (SwiftShader, which Chromium offers where no GPU can be used) is skipped unless asked
 * for: it decodes about 40 times slower than wasm on the same CPU (README, "Using it").
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-webgpu';

export type BackendName = 'webgpu' | 'wasm' | 'cpu';

export interface BackendChoice {
  backend: BackendName;
  /** Backends tried before the chosen one, with the reason each was skipped. */
  skipped: { backend: BackendName; reason: string }[];
}

export interface BackendRequest {
  /** Backends in the order to try them. */
  preferred: BackendName[];
  /** Use WebGPU on a software adapter too (`?backend=webgpu`); by default wasm is used instead. */
  softwareWebGPU: boolean;
}

export async function selectBackend({ preferred, softwareWebGPU }: BackendRequest): Promise<BackendChoice> {
  const skipped: BackendChoice['skipped'] = [];
  for (const backend of preferred) {
    try {
      if (backend === 'webgpu' && !(typeof navigator !== 'undefined' && 'gpu' in navigator)) {
        throw new Error('this browser has no WebGPU (navigator.gpu is missing)');
      }
      if (backend === 'webgpu' && !softwareWebGPU) {
        const adapter = await navigator.gpu.requestAdapter();
        // `isFallbackAdapter` moved from the adapter to its info; older browsers have neither.
        const info = adapter?.info as (GPUAdapterInfo & { isFallbackAdapter?: boolean }) | undefined;
        if (info?.isFallbackAdapter || (adapter as { isFallbackAdapter?: boolean } | null)?.isFallbackAdapter) {
          throw new Error(`only a software WebGPU adapter (${info?.architecture || info?.vendor || 'fallback'}) is available, slower than wasm; ?backend=webgpu uses it anyway`);
        }
      }
      const ok = await tf.setBackend(backend);
      await tf.ready();
      if (ok && tf.getBackend() === backend) return { backend, skipped };
      throw new Error('initialisation failed');
    } catch (err) {
      skipped.push({ backend, reason: err instanceof Error ? err.message : String(err) });
    }
  }
  throw new Error(`no tfjs backend could start: ${skipped.map((s) => `${s.backend}: ${s.reason}`).join('; ')}`);
}

/**
 * A small fixed computation, softmax(A·B + 1) for A = [i/10], B = [(j−i)/7], used to warm a backend up and
 * to check that two backends agree. Returns the 4×4 result row by row.
 */
export async function selfTest(): Promise<Float32Array> {
  const out = tf.tidy(() => {
    const a = tf.tensor2d(Array.from({ length: 4 * 8 }, (_, k) => (k % 8) / 10 - Math.floor(k / 8) / 10), [4, 8]); // [4, 8]
    const b = tf.tensor2d(Array.from({ length: 8 * 4 }, (_, k) => ((k % 4) - Math.floor(k / 4)) / 7), [8, 4]); // [8, 4]
    return tf.softmax(tf.add(tf.matMul(a, b), 1)); // [4, 4]
  });
  const data = (await out.data()) as Float32Array;
  out.dispose();
  return data;
}

/**
 * Measured matMul throughput of the current backend, GFLOP/s: a 256×256 by 256×256 product (2·256³ FLOPs),
 * median of `runs` after one warm-up, each timed to its data being read back.
 */
export async function matMulThroughput(runs = 9): Promise<number> {
  const n = 256;
  const a = tf.randomUniform([n, n], -1, 1, 'float32', 1);
  const b = tf.randomUniform([n, n], -1, 1, 'float32', 2);
  const times: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const started = performance.now();
    const c = tf.matMul(a, b);
    await c.data();
    c.dispose();
    if (i > 0) times.push(performance.now() - started);
  }
  tf.dispose([a, b]);
  times.sort((x, y) => x - y);
  return (2 * n ** 3) / (times[times.length >> 1]! * 1e6);
}
