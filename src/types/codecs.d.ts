// Type declarations for codec packages that ship none (or an empty one).

declare module '@abasb75/jpegjs' {
  /** pdf.js's JPEG decoder as cornerstone ships it: baseline and extended (8- and 12-bit) DCT JPEG. */
  export default class JpegImage {
    width: number;
    height: number;
    components: unknown[];
    colorTransform?: boolean;
    parse(data: Uint8Array): void;
    getData(width: number, height: number): Uint8Array;
    getData16(width: number, height: number): Uint16Array;
  }
}

/** The Emscripten module factories of cornerstone's codec packages. */
interface EmscriptenCodecOptions {
  wasmBinary?: ArrayBuffer | Uint8Array;
  locateFile?: (file: string) => string;
  print?: (text: string) => void;
  printErr?: (text: string) => void;
}
interface WasmFrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  isSigned?: boolean;
}
interface WasmDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  getDecodedBuffer(): Uint8Array;
  decode(): void;
  getFrameInfo(): WasmFrameInfo;
  delete(): void;
}

declare module '@cornerstonejs/codec-charls/decodewasmjs' {
  const factory: (options?: EmscriptenCodecOptions) => Promise<{
    JpegLSDecoder: new () => WasmDecoder;
    getExceptionMessage?: (e: number) => string;
  }>;
  export default factory;
}

declare module '@cornerstonejs/codec-openjpeg/decodewasmjs' {
  const factory: (options?: EmscriptenCodecOptions) => Promise<{ J2KDecoder: new () => WasmDecoder }>;
  export default factory;
}

declare module '*?url' {
  const url: string;
  export default url;
}
