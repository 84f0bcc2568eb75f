/** What intake produces: pixels in modality units, plus what the viewer and the models need to know. */

/** Stored (raw) sample values of one frame, as the file holds them after decompression. */
export type StoredPixels = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array;

/** DICOM attributes we read, already typed; absent values are undefined, never guessed. */
export interface ImageHeader {
  transferSyntax: string;
  sopClassUid?: string;
  modality?: string;
  rows: number;
  columns: number;
  frames: number;
  samplesPerPixel: number;
  photometric: string;
  bitsAllocated: number;
  bitsStored: number;
  highBit: number;
  pixelRepresentation: 0 | 1;
  planarConfiguration: 0 | 1;
  slope: number;
  intercept: number;
  windowCenter?: number;
  windowWidth?: number;
  /** [row spacing, column spacing] in mm (PixelSpacing order). */
  pixelSpacing?: [number, number];
  sliceThickness?: number;
  imagePosition?: [number, number, number];
  imageOrientation?: [number, number, number, number, number, number];
  instanceNumber?: number;
  seriesInstanceUid?: string;
  studyInstanceUid?: string;
  seriesDescription?: string;
  studyDate?: string;
  manufacturer?: string;
  /** Patient-identifying attributes: shown only when the user asks. */
  patient: { name?: string; id?: string; birthDate?: string; sex?: string };
}

/** One decoded file: every frame's stored values, and the summary the CLI prints. */
export interface DecodedImage {
  source: 'dicom' | 'png' | 'jpeg';
  fileName: string;
  header: ImageHeader;
  /**
   * Per frame: one value per pixel for grey; for colour always interleaved RGB (RGB RGB …), whatever the
   * file's PhotometricInterpretation and PlanarConfiguration said (the header keeps the file's values).
   */
  stored: StoredPixels[];
}

/**
 * A study ready for display and for the models: frames ordered along the slice axis.
 * `modality` holds stored × slope + intercept (paper A eq. 8) for every frame, concatenated.
 */
export interface Volume {
  source: DecodedImage['source'];
  /** The input files' names, in the order they were given. */
  fileNames: string[];
  /** For each slice, the index (into fileNames) of the file it came from. */
  sliceFile: number[];
  header: ImageHeader;
  width: number;
  height: number;
  depth: number;
  samplesPerPixel: number;
  /** Float32 modality values, frame after frame: depth × height × width × samplesPerPixel. */
  modality: Float32Array;
  /** Stored values per frame, for the viewer (cornerstone maps them through slope/intercept itself). */
  stored: StoredPixels[];
  /** Slice positions along the volume's normal in mm, when the files say where they are. */
  slicePositions?: number[];
  /** Distance between consecutive slices in mm (from positions, else SliceThickness). */
  sliceSpacing?: number;
  /** [row, column] spacing in mm. */
  pixelSpacing?: [number, number];
  stats: ModalityStats;
}

export interface ModalityStats {
  min: number;
  max: number;
  mean: number;
}

/** A file handed to intake: a name (for messages) and its bytes. */
export interface InputFile {
  name: string;
  bytes: Uint8Array;
}
