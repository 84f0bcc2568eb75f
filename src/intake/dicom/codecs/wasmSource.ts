/**
 * Where the codec WebAssembly binaries come from. The page fetches them from the bundle, Node reads them
 * from node_modules; intake itself stays free of either, so the same decoding code runs in both.
 */
export type WasmCodec = 'charls' | 'openjpeg';
export type WasmLoader = (codec: WasmCodec) => Promise<Uint8Array>;

let loader: WasmLoader | undefined;

export function setWasmLoader(next: WasmLoader): void {
  loader = next;
}

export async function loadWasm(codec: WasmCodec): Promise<Uint8Array> {
  if (!loader) throw new Error(`no WebAssembly loader registered for ${codec} (call setWasmLoader first)`);
  return loader(codec);
}
