/** Intake's platform hooks for Node: codec wasm from node_modules, PNG via pngjs, JPEG via pdf.js's decoder. */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import JpegImage from '@abasb75/jpegjs';
import { PNG } from 'pngjs';
import { setWasmLoader, type WasmCodec } from '../intake/dicom/codecs/wasmSource.ts';
import type { IntakeEnv } from '../intake/intake.ts';
import type { RasterKind, RgbaImage } from '../intake/raster.ts';

const require = createRequire(import.meta.url);

const WASM_MODULES: Record<WasmCodec, string> = {
  charls: '@cornerstonejs/codec-charls/decodewasm',
  openjpeg: '@cornerstonejs/codec-openjpeg/decodewasm',
};

function decodeJpegRgba(bytes: Uint8Array): RgbaImage {
  const jpeg = new JpegImage();
  jpeg.parse(bytes);
  const { width, height } = jpeg;
  const data = jpeg.getData(width, height); // 1 or 3 samples per pixel, colour already RGB
  const spp = data.length / (width * height);
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    for (let c = 0; c < 3; c++) rgba[4 * i + c] = data[i * spp + (spp === 3 ? c : 0)]!;
    rgba[4 * i + 3] = 255;
  }
  return { width, height, rgba };
}

async function decodeRaster(bytes: Uint8Array, kind: RasterKind): Promise<RgbaImage> {
  if (kind === 'jpeg') return decodeJpegRgba(bytes);
  const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  return { width: png.width, height: png.height, rgba: png.data };
}

let installed = false;

/** Registers the Node wasm loader (once) and returns the environment intake needs. */
export function nodeIntakeEnv(): IntakeEnv {
  if (!installed) {
    setWasmLoader(async (codec) => new Uint8Array(await readFile(require.resolve(WASM_MODULES[codec]))));
    installed = true;
  }
  return { decodeRaster };
}
