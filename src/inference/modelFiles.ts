/**
 * Reading an exported model's files (public/models/<name>) through any byte source — fetch in the
 * worker, the file system in Node — checking each against manifest.json: present, the listed size, the
 * listed SHA-256. A missing or corrupt file is named in a ModelFileError, never half-loaded.
 */
import { MODEL_FILES, type ExportedFiles } from './exportedModel.ts';

export interface ModelManifest {
  model: string;
  /** Absent in manifests written before the generative model existed: retrieval. */
  kind?: 'retrieval' | 'generative';
  files: { path: string; bytes: number; sha256: string }[];
}

export class ModelFileError extends Error {
  constructor(
    readonly code: 'model-missing' | 'model-corrupt',
    message: string,
  ) {
    super(message);
    this.name = 'ModelFileError';
  }
}

/** Reads one file; undefined when it does not exist. `onBytes` reports bytes as they arrive. */
export type ByteSource = (path: string, onBytes: (received: number) => void) => Promise<Uint8Array | undefined>;

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Every file of the model, verified; `onProgress` gets bytes loaded of the manifest's total. */
export async function readModelFiles(read: ByteSource, onProgress: (loaded: number, total: number, file: string) => void = () => {}): Promise<{ manifest: ModelManifest; files: ExportedFiles }> {
  const manifestBytes = await read('manifest.json', () => {});
  if (!manifestBytes) throw new ModelFileError('model-missing', 'manifest.json is missing: no model at this address');
  let manifest: ModelManifest;
  try {
    manifest = JSON.parse(new TextDecoder().decode(manifestBytes)) as ModelManifest;
    if (!Array.isArray(manifest.files)) throw new Error('no file list');
  } catch (err) {
    throw new ModelFileError('model-corrupt', `manifest.json cannot be read: ${(err as Error).message}`);
  }
  const kind = manifest.kind ?? 'retrieval';
  if (!(kind in MODEL_FILES)) throw new ModelFileError('model-corrupt', `manifest.json names an unknown model kind "${kind}"`);
  for (const name of MODEL_FILES[kind]) if (!manifest.files.some((f) => f.path === name)) throw new ModelFileError('model-corrupt', `manifest.json does not list ${name}`);
  const total = manifest.files.reduce((n, f) => n + f.bytes, 0);
  let done = 0;
  const contents = new Map<string, Uint8Array>();
  for (const entry of manifest.files) {
    const bytes = await read(entry.path, (received) => onProgress(done + received, total, entry.path));
    if (!bytes) throw new ModelFileError('model-missing', `${entry.path} is missing`);
    if (bytes.length !== entry.bytes) throw new ModelFileError('model-corrupt', `${entry.path}: ${bytes.length} bytes, the manifest says ${entry.bytes}`);
    if ((await sha256Hex(bytes)) !== entry.sha256) throw new ModelFileError('model-corrupt', `${entry.path}: its SHA-256 does not match the manifest (damaged or replaced file)`);
    contents.set(entry.path, bytes);
    done += bytes.length;
    onProgress(done, total, entry.path);
  }
  const text = (name: string) => new TextDecoder().decode(contents.get(name)!);
  return {
    manifest,
    files: {
      config: text('config.json'),
      weightsJson: text('weights.json'),
      weightsBin: contents.get('weights.bin')!,
      tokenizer: text('tokenizer.json'),
      ...(contents.has('passages.json') ? { passages: text('passages.json') } : {}),
      ...(contents.has('index.bin') ? { index: contents.get('index.bin')! } : {}),
      ...(contents.has('index-scales.bin') ? { indexScales: contents.get('index-scales.bin')! } : {}),
    },
  };
}
