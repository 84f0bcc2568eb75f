/**
 * The reference-passage corpus the retriever searches: short guideline passages per finding type
 * (written for Tuwen, consistent with the rules in rules.ts) plus the training split's findings texts
 * and summaries. Test and validation studies never enter it.
 */
import type { FindingType, Location } from './schema.ts';
import type { Study } from './study.ts';

export interface Passage {
  id: string;
  kind: 'guideline' | 'summary' | 'findings';
  text: string;
  findingTypes: (FindingType | 'normal')[];
  locations: Location[];
  /** The training study it came from (summaries and findings). */
  source?: string;
}

export const GUIDELINES: Record<FindingType | 'normal', string[]> = {
  'solid-nodule': [
    '实性结节小于6mm者恶性概率低，建议年度低剂量CT复查。',
    '实性结节6-8mm，建议6-12个月后复查CT，观察其大小变化。',
    '实性结节大于8mm，建议3个月后复查胸部CT；伴边缘毛刺者恶性风险增高，建议进一步行PET-CT或穿刺活检。',
  ],
  'ground-glass-nodule': ['磨玻璃结节小于6mm，建议年度低剂量CT复查。', '磨玻璃结节6mm及以上，建议6-12个月后复查CT以确认是否持续存在。'],
  'part-solid-nodule': [
    '部分实性结节小于6mm，建议年度低剂量CT复查。',
    '部分实性结节6-8mm且无毛刺，建议3个月后复查胸部CT。',
    '部分实性结节大于8mm或伴毛刺，恶性可能较大，建议进一步行PET-CT或穿刺活检。',
  ],
  mass: ['肺内肿块直径大于30mm，需警惕肺癌，建议增强CT扫描及病理学检查。', '肿块边缘分叶或毛刺提示恶性可能，建议增强扫描并行支气管镜检查。'],
  consolidation: ['肺实变多见于肺炎，建议抗炎治疗后复查，观察吸收情况。', '片状实变伴支气管充气征，考虑炎症，建议抗感染治疗后2周复查。'],
  'pleural-effusion': ['少量胸腔积液（深度小于20mm），建议超声随访。', '中等量及以上胸腔积液，建议胸腔穿刺引流并查明原因。'],
  calcification: ['肺内钙化灶多为陈旧性病变，考虑良性，无需随访。'],
  cavity: ['肺内空洞需考虑结核或感染性病变，建议痰检排除结核。'],
  emphysema: ['肺气肿表现为肺野透亮度增高及肺大泡形成，建议肺功能检查。'],
  normal: ['胸部CT平扫双肺未见明显异常时，无需特殊处理。'],
};

export function guidelinePassages(): Passage[] {
  return (Object.entries(GUIDELINES) as [FindingType | 'normal', string[]][]).flatMap(([type, texts]) =>
    texts.map((text, i) => ({ id: `G-${type}-${i + 1}`, kind: 'guideline' as const, text, findingTypes: [type], locations: [] })),
  );
}

/** Guidelines, then each training study's summary and findings text (identical texts kept once). */
export function buildPassages(trainStudies: Iterable<Pick<Study, 'id' | 'summary' | 'text' | 'facts'>>): Passage[] {
  const passages = guidelinePassages();
  const seen = new Set(passages.map((p) => p.text));
  for (const s of trainStudies) {
    const findingTypes = [...new Set(s.facts.map((f) => f.finding))];
    const locations = [...new Set(s.facts.flatMap((f) => (f.location ? [f.location] : [])))];
    for (const [kind, text] of [['summary', s.summary], ['findings', s.text]] as const) {
      if (seen.has(text)) continue;
      seen.add(text);
      passages.push({ id: `${kind === 'summary' ? 'X' : 'T'}-${s.id}`, kind, text, findingTypes, locations, source: s.id });
    }
  }
  return passages;
}
