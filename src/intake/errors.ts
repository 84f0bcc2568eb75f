/** Why an input could not be turned into pixels. Every code has a message in both UI languages. */
export type IntakeErrorCode =
  | 'unreadable-file'
  | 'empty-file'
  | 'file-too-large'
  | 'not-an-image'
  | 'no-pixel-data'
  | 'truncated-pixel-data'
  | 'unsupported-transfer-syntax'
  | 'unsupported-pixel-format'
  | 'volume-too-large'
  | 'decode-failed'
  | 'series-mismatch';

/** The one error type intake throws; anything else escaping intake is a bug. */
export class IntakeError extends Error {
  constructor(
    readonly code: IntakeErrorCode,
    message: string,
    /** What was thrown underneath (a parser's string, a codec's number, a bug's TypeError), if anything. */
    readonly underlying?: unknown,
  ) {
    super(message);
    this.name = 'IntakeError';
  }
}

/** Turns anything thrown (dicom-parser throws strings, codecs throw numbers) into an IntakeError. */
export function toIntakeError(err: unknown, fallback: IntakeErrorCode = 'decode-failed'): IntakeError {
  if (err instanceof IntakeError) return err;
  if (err instanceof RangeError) {
    return new IntakeError('volume-too-large', `not enough memory for this image (${err.message})`, err);
  }
  const text = err instanceof Error ? err.message : String(err);
  return new IntakeError(fallback, text, err);
}
