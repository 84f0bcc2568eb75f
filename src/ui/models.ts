/** The models the page offers, each an export under public/models/ (the first is the default). */
export const MODELS = [
  { id: 'retrieval', path: 'models/retrieval/' },
  { id: 'lfmgan', path: 'models/lfmgan/' },
] as const;

export type ModelId = (typeof MODELS)[number]['id'];

/** The model folder's absolute URL: `?model=models/other/` picks any export, else the default. */
export function modelUrl(path: string = new URLSearchParams(location.search).get('model') ?? MODELS[0].path): string {
  return new URL(path, location.href).href;
}
