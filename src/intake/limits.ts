/**
 * Stated input limits. They keep a hostile or damaged header (a 65535×65535 claim, say) from making the
 * worker allocate gigabytes, and they are what the UI and README quote.
 */
export const LIMITS = {
  /** Largest single file accepted, in bytes. */
  maxFileBytes: 512 * 1024 * 1024,
  /** Largest image or volume, in voxels × samples (Float32 modality values: 4 bytes each). */
  maxVoxels: 160 * 1024 * 1024,
  /** Most files in one series. */
  maxFiles: 2000,
} as const;

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(n >= 10 * 1024 * 1024 ? 0 : 1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}
