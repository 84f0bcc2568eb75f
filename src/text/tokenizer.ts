/**
 * Tuwen's tokenizer: a standard Hugging Face tokenizer.json (BERT normaliser that splits CJK characters
 * as bert-base-chinese does, BERT pre-tokeniser, WordPiece), built from training text and loaded with
 * @huggingface/tokenizers in Node and the browser. Numbers are split into digits ("12mm" → 1 ##2 ##mm)
 * so sizes the training set never saw still encode.
 */
import { Tokenizer } from '@huggingface/tokenizers';

export const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;
export const PAD_ID = 0;
export const UNK_ID = 1;
/** The decoder starts from [CLS] and stops at [SEP]. */
export const BOS_ID = 2;
export const EOS_ID = 3;

const CJK = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{2fa1f}]/u;
/** Punctuation as BERT's pre-tokeniser sees it (ASCII punctuation and Unicode P*). */
const PUNCT = /[!-/:-@[-`{-~]|\p{P}/u;

/** Splits text the way BertNormalizer + BertPreTokenizer will: CJK and punctuation alone, runs of the rest. */
export function preTokenize(text: string): string[] {
  const words: string[] = [];
  let run = '';
  const flush = () => {
    if (run) words.push(run);
    run = '';
  };
  for (const ch of text) {
    if (/\s/u.test(ch)) flush();
    else if (CJK.test(ch) || PUNCT.test(ch)) {
      flush();
      words.push(ch);
    } else run += ch;
  }
  flush();
  return words;
}

/** WordPiece pieces for a non-CJK word: digit by digit, letter runs whole ("12mm" → 1, ##2, ##mm). */
export function wordPieces(word: string): string[] {
  const parts = word.match(/\d|[^\d]+/gu) ?? [];
  return parts.map((p, i) => (i === 0 ? p : `##${p}`));
}

/** Builds tokenizer.json from training texts: every character and piece seen, in order of frequency. */
export function buildTokenizerJson(texts: Iterable<string>): object {
  const counts = new Map<string, number>();
  const add = (piece: string) => counts.set(piece, (counts.get(piece) ?? 0) + 1);
  for (const text of texts) for (const word of preTokenize(text)) for (const piece of wordPieces(word)) add(piece);
  // Every digit in both positions, whatever the training text happened to contain.
  for (let d = 0; d <= 9; d++) {
    add(String(d));
    add(`##${d}`);
  }
  const pieces = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([p]) => p);
  const vocab: Record<string, number> = {};
  [...SPECIAL_TOKENS, ...pieces].forEach((token, id) => (vocab[token] = id));
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_TOKENS.map((content, id) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: false, lowercase: false },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: null,
    decoder: { type: 'WordPiece', prefix: '##', cleanup: false },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab },
  };
}

export interface TuwenTokenizer {
  vocabSize: number;
  encode(text: string): number[];
  /** Token strings for ids (## pieces as they are), e.g. for the token strip in the UI. */
  tokens(ids: number[]): string[];
  decode(ids: number[]): string;
}

/**
 * Joins tokens back into text: "##" pieces glue to the previous token; a space only between two tokens
 * that both end/start with a Latin letter or digit (Chinese text has no spaces to restore).
 */
export function detokenize(tokens: string[]): string {
  let out = '';
  for (const token of tokens) {
    if (token.startsWith('##')) out += token.slice(2);
    else if (/[A-Za-z0-9]$/.test(out) && /^[A-Za-z0-9]/.test(token)) out += ` ${token}`;
    else out += token;
  }
  return out;
}

export function loadTokenizer(json: object): TuwenTokenizer {
  const tokenizer = new Tokenizer(json as never, {});
  const model = (json as { model: { vocab: Record<string, number> } }).model;
  const byId: string[] = [];
  for (const [token, id] of Object.entries(model.vocab)) byId[id] = token;
  const special = new Set<number>(SPECIAL_TOKENS.map((_, i) => i));
  return {
    vocabSize: byId.length,
    encode: (text) => tokenizer.encode(text, { add_special_tokens: false }).ids,
    tokens: (ids) => ids.map((id) => byId[id] ?? '[UNK]'),
    decode: (ids) => detokenize(ids.filter((id) => !special.has(id) || id === UNK_ID).map((id) => byId[id] ?? '[UNK]')),
  };
}
