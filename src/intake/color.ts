/** Colour layout and colour space conversions for 3-sample images (PS3.3 C.7.6.3.1.2). */

/** Planar (RRR…GGG…BBB…) → interleaved (RGBRGB…). */
export function planarToInterleaved<T extends { length: number; [i: number]: number }>(planar: T, pixels: number, make: (n: number) => T): T {
  const out = make(pixels * 3);
  for (let i = 0; i < pixels; i++) {
    out[3 * i] = planar[i]!;
    out[3 * i + 1] = planar[pixels + i]!;
    out[3 * i + 2] = planar[2 * pixels + i]!;
  }
  return out;
}

/** YBR_FULL (full-range ITU-R BT.601 YCbCr, 8 bit) → RGB, in place, on interleaved samples. */
export function ybrFullToRgb(samples: Uint8Array): Uint8Array {
  for (let i = 0; i + 2 < samples.length; i += 3) {
    const y = samples[i]!;
    const cb = samples[i + 1]! - 128;
    const cr = samples[i + 2]! - 128;
    samples[i] = clamp255(y + 1.402 * cr);
    samples[i + 1] = clamp255(y - 0.344136 * cb - 0.714136 * cr);
    samples[i + 2] = clamp255(y + 1.772 * cb);
  }
  return samples;
}

function clamp255(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
}
