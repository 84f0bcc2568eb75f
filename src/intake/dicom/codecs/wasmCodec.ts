/** JPEG-LS (CharLS) and JPEG 2000 (OpenJPEG) frames through cornerstone's WebAssembly codec builds. */
import charlsFactory from '@cornerstonejs/codec-charls/decodewasmjs';
import openjpegFactory from '@cornerstonejs/codec-openjpeg/decodewasmjs';
import { loadWasm, type WasmCodec } from './wasmSource.ts';

export interface WasmDecodedFrame {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  /** A copy of the decoded bytes (the codec's own buffer lives in wasm memory and is reused). */
  bytes: Uint8Array;
}

// One decoder per codec, created on first use; the promise is cached so concurrent calls share it.
const decoders = new Map<WasmCodec, Promise<WasmDecoder>>();

async function createDecoder(codec: WasmCodec): Promise<WasmDecoder> {
  // OpenJPEG logs every header it reads; errors surface as exceptions, so its console output is dropped.
  const options = { wasmBinary: await loadWasm(codec), print: () => {}, printErr: () => {} };
  if (codec === 'charls') return new (await charlsFactory(options)).JpegLSDecoder();
  return new (await openjpegFactory(options)).J2KDecoder();
}

export async function decodeWithWasm(codec: WasmCodec, encoded: Uint8Array): Promise<WasmDecodedFrame> {
  let pending = decoders.get(codec);
  if (!pending) {
    pending = createDecoder(codec);
    decoders.set(codec, pending);
    pending.catch(() => decoders.delete(codec));
  }
  const decoder = await pending;
  decoder.getEncodedBuffer(encoded.length).set(encoded);
  decoder.decode();
  const info = decoder.getFrameInfo();
  return {
    width: info.width,
    height: info.height,
    bitsPerSample: info.bitsPerSample,
    componentCount: info.componentCount,
    bytes: decoder.getDecodedBuffer().slice(),
  };
}
