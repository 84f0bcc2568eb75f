/** Intake's and tfjs's platform hooks inside the browser worker: bundled wasm files and the browser's image decoder. */
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import tfjsWasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import tfjsWasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import tfjsWasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import charlsWasm from '@cornerstonejs/codec-charls/decodewasm?url';
import openjpegWasm from '@cornerstonejs/codec-openjpeg/decodewasm?url';
import { setWasmLoader, type WasmCodec } from '../intake/dicom/codecs/wasmSource.ts';
import { IntakeError } from '../intake/errors.ts';
import type { IntakeEnv } from '../intake/intake.ts';
import type { RasterKind, RgbaImage } from '../intake/raster.ts';

const CODEC_URLS: Record<WasmCodec, string> = { charls: charlsWasm, openjpeg: openjpegWasm };

async function fetchBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** The browser's own decoder (createImageBitmap), read back through an OffscreenCanvas. */
async function decodeRaster(bytes: Uint8Array, kind: RasterKind): Promise<RgbaImage> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(new Blob([bytes as BlobPart], { type: kind === 'png' ? 'image/png' : 'image/jpeg' }), {
      colorSpaceConversion: 'none',
      premultiplyAlpha: 'none',
    });
  } catch {
    throw new IntakeError('decode-failed', `the ${kind.toUpperCase()} image cannot be decoded (damaged or incomplete)`);
  }
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  return { width: canvas.width, height: canvas.height, rgba: ctx.getImageData(0, 0, canvas.width, canvas.height).data };
}

/** Registers the bundled wasm files with intake and tfjs; returns intake's environment. */
export function browserIntakeEnv(): IntakeEnv {
  setWasmLoader((codec) => fetchBytes(CODEC_URLS[codec]));
  setWasmPaths({
    'tfjs-backend-wasm.wasm': tfjsWasm,
    'tfjs-backend-wasm-simd.wasm': tfjsWasmSimd,
    'tfjs-backend-wasm-threaded-simd.wasm': tfjsWasmThreaded,
  });
  return { decodeRaster };
}
