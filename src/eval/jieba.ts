/** jieba word segmentation (Node only), with the corpus lexicon's terms as a user dictionary. */
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { FINDING_PHRASES, LOCATION_PHRASES, MARGIN_PHRASES } from '../corpus/lexicon.ts';

let jieba: Jieba | undefined;

/** Terms that must stay whole (右肺上叶, 磨玻璃结节…). */
function userDictionary(): string {
  const terms = new Set<string>([
    ...Object.values(LOCATION_PHRASES).flat(),
    ...FINDING_PHRASES.flatMap(([, p]) => p),
    ...Object.values(MARGIN_PHRASES).flat().filter((p) => !p.includes('、')),
    '低剂量', '复查', '随访', '穿刺', '活检', '磨玻璃', '毛刺征', '分叶征', '肺大泡', '胸水',
  ]);
  return [...terms].map((t) => `${t} 100000 n`).join('\n');
}

export function jiebaTokens(text: string): string[] {
  if (!jieba) {
    jieba = Jieba.withDict(dict);
    jieba.loadDict(Buffer.from(userDictionary()));
  }
  return jieba.cut(text, false).filter((t) => t.trim() !== '');
}
