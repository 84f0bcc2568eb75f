/**
 * The words of the diagnostic impression (诊断意见): every phrase the summary writer may use for a fact,
 * first the canonical one. The fact extractor reads with the same lists, so the two cannot drift apart.
 */
import type { AdviceCode, FindingType, Location, Margin } from './schema.ts';

export const LOCATION_PHRASES: Record<Location, string[]> = {
  右肺上叶: ['右肺上叶', '右上肺'],
  右肺中叶: ['右肺中叶', '右中肺'],
  右肺下叶: ['右肺下叶', '右下肺'],
  左肺上叶: ['左肺上叶', '左上肺'],
  左肺下叶: ['左肺下叶', '左下肺'],
  右侧胸腔: ['右侧胸腔', '右侧'],
  左侧胸腔: ['左侧胸腔', '左侧'],
};

/** Names in the impression. Checked in this order by the extractor: 部分实性 before 实性, and so on. */
export const FINDING_PHRASES: [FindingType, string[]][] = [
  ['part-solid-nodule', ['部分实性结节', '混杂密度结节']],
  ['ground-glass-nodule', ['磨玻璃结节', '磨玻璃密度结节', '纯磨玻璃结节']],
  ['solid-nodule', ['实性结节', '实性小结节']],
  ['calcification', ['钙化灶', '钙化结节']],
  ['mass', ['肿块', '占位性病变']],
  ['consolidation', ['实变', '炎性实变影']],
  ['pleural-effusion', ['胸腔积液', '积液']],
  ['cavity', ['空洞', '空洞性病变']],
  ['emphysema', ['肺气肿', '肺气肿改变']],
];

/**
 * The finding's own words in the findings text (影像所见), as the findings writer picks them
 * (`findingsText.ts`); the solid nodule's one word follows a shape ("类圆形…"). Read back by `findingDescribed`.
 */
export const FINDINGS_TEXT_PHRASES: Record<FindingType, string[]> = {
  'solid-nodule': ['实性结节影'],
  'ground-glass-nodule': ['磨玻璃密度结节', '磨玻璃结节影', '淡薄磨玻璃影'],
  'part-solid-nodule': ['混杂磨玻璃密度结节', '部分实性结节影'],
  mass: ['团块状软组织密度影', '不规则肿块影', '软组织肿块'],
  consolidation: ['片状实变影', '大片状高密度影', '斑片状实变'],
  'pleural-effusion': ['弧形液性密度影', '新月形液体密度影'],
  calcification: ['钙化灶', '致密钙化结节', '高密度钙化影'],
  cavity: ['厚壁空洞影', '空洞性病变', '含气空洞'],
  emphysema: ['透亮度增高', '肺组织透亮度增加'],
};

/** What the findings text says emphysema shows, after its own words ("透亮度增高，见多发低密度无壁区"). */
export const EMPHYSEMA_SIGNS = ['可见多发肺大泡', '肺纹理稀疏', '见多发低密度无壁区'];

export const MARGIN_PHRASES: Record<Margin, string[]> = {
  光滑: ['边缘光滑', '边界清楚、边缘光滑'],
  分叶: ['边缘分叶', '可见分叶征', '呈分叶状'],
  毛刺: ['边缘毛刺', '可见毛刺征', '边缘见毛刺'],
};

/** The extractor's key for a margin: each phrase of a margin contains its key, no phrase another's. */
export const MARGIN_KEYS: [Margin, string][] = [
  ['毛刺', '毛刺'],
  ['分叶', '分叶'],
  ['光滑', '光滑'],
];

export const ADVICE_PHRASES: Record<AdviceCode, string[]> = {
  none: ['无需特殊处理', '无需随访'],
  'annual-ct': ['建议年度低剂量CT复查', '建议12个月后复查胸部CT'],
  'follow-up-6-12m': ['建议6-12个月后复查CT', '建议半年至一年复查胸部CT'],
  'follow-up-3m': ['建议3个月后复查胸部CT', '建议3个月短期复查'],
  'pet-or-biopsy': ['建议进一步行PET-CT或穿刺活检', '建议PET-CT检查或活检明确性质'],
  'enhanced-ct-biopsy': ['建议增强CT扫描及病理学检查', '建议增强扫描并行支气管镜检查'],
  'anti-infection-recheck': ['建议抗炎治疗后复查', '建议抗感染治疗后2周复查'],
  'ultrasound-follow-up': ['建议超声随访', '建议B超随访观察'],
  'drainage-workup': ['建议胸腔穿刺引流并查明原因', '建议行胸水检查，必要时引流'],
  'sputum-tb-workup': ['建议痰检排除结核', '建议行结核相关检查'],
  'lung-function': ['建议肺功能检查', '建议行肺功能评估'],
};

/** Impressions that may follow a finding; they carry no fact and use none of the words above. */
export const IMPRESSIONS: Record<FindingType, string[]> = {
  'solid-nodule': ['', '请结合临床'],
  'ground-glass-nodule': ['', '请结合临床'],
  'part-solid-nodule': ['', '请结合临床'],
  mass: ['考虑肺癌可能', '恶性可能大'],
  consolidation: ['考虑炎症', '考虑肺炎'],
  'pleural-effusion': ['', '请结合临床'],
  calcification: ['考虑良性', '陈旧性病变'],
  cavity: ['考虑结核可能', '感染性病变可能'],
  emphysema: ['', '伴肺大泡形成'],
};

export const NORMAL_PHRASES = ['双肺未见明显异常', '胸部CT平扫未见明显异常', '双肺未见明确病变'];

/** How much fluid an effusion of a given depth is called. */
export function effusionAmount(depthMm: number): string {
  return depthMm < 20 ? '少量' : depthMm <= 50 ? '中等量' : '大量';
}
