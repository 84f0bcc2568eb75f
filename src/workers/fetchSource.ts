/** Model files fetched from the page's origin, as the byte source readModelFiles reads through. */
import { ModelFileError, type ByteSource } from '../inference/modelFiles.ts';

/** fetch as a byte source: 404 (or a server's HTML fallback page) is a missing file; bytes are counted as they arrive. */
export function fetchSource(base: string): ByteSource {
  return async (path, onBytes) => {
    const response = await fetch(new URL(path, base));
    const html = (response.headers.get('content-type') ?? '').includes('text/html');
    if (response.status === 404 || (response.ok && html)) return undefined;
    if (!response.ok || !response.body) throw new ModelFileError('model-missing', `${path}: HTTP ${response.status}`);
    const reader = response.body.getReader();
    const chunks: Uint8Array[] = [];
    let received = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      received += value.length;
      onBytes(received);
    }
    const bytes = new Uint8Array(received);
    let at = 0;
    for (const c of chunks) {
      bytes.set(c, at);
      at += c.length;
    }
    return bytes;
  };
}
