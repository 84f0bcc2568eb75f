/**
 * Tokens for scoring. Characters (the default: every non-space character, digits and letters included,
 * so scores do not depend on a segmenter) and jieba words (precise mode with Tuwen's medical user
 * dictionary, as the AI Challenger caption benchmark segments). jieba is Node-only; see jieba.ts.
 */

export type ScoringTokens = 'chars' | 'jieba';

export function charTokens(text: string): string[] {
  return [...text].filter((c) => !/\s/u.test(c));
}
