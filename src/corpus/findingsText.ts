/**
 * The text that comes with a study: findings (影像所见) written from the ground truth by a grammar with
 * many phrasings, deliberately incomplete in a share of studies, with distractor sentences; and a
 * clinical line (主诉 / 病史) that no rule depends on.
 */
import { EMPHYSEMA_SIGNS, FINDINGS_TEXT_PHRASES as WORDS } from './lexicon.ts';
import { Random } from './random.ts';
import { isLobe, type FindingTruth, type Location } from './schema.ts';

export type Omission = 'lobe' | 'size' | 'finding';

export interface TextOmission {
  /** Index into the study's findings. */
  finding: number;
  what: Omission;
}

function locationWords(rand: Random, location: Location, omitLobe: boolean): string {
  if (!isLobe(location)) return location.startsWith('右') ? rand.pick(['右侧胸腔', '右侧胸腔内']) : rand.pick(['左侧胸腔', '左侧胸腔内']);
  if (!omitLobe) return rand.pick([location, `${location}内`, `${location}${rand.pick(['尖段', '后段', '前段', '外侧段', '基底段', ''])}`]);
  return rand.pick([location.startsWith('右') ? '右肺' : '左肺', '肺内', '肺野内']);
}

function sizeWords(rand: Random, f: FindingTruth): string {
  if (f.type === 'pleural-effusion') return rand.pick([`深约${f.sizeMm}mm`, `最大深度约${f.sizeMm}mm`]);
  if (f.type === 'consolidation' || f.type === 'emphysema') return rand.pick([`范围约${f.sizeMm}mm`, `累及范围约${f.sizeMm}mm`]);
  const lead = f.count > 1 ? '较大者' : '';
  return rand.pick([`${lead}大小约${f.sizeMm}mm`, `${lead}直径约${f.sizeMm}mm`, `${lead}长径约${f.sizeMm}mm`]);
}

function marginWords(rand: Random, f: FindingTruth): string {
  switch (f.margin) {
    case '光滑':
      return rand.pick(['边缘光滑', '边界清楚', '轮廓光整']);
    case '分叶':
      return rand.pick(['边缘可见浅分叶', '呈分叶状', '边缘分叶']);
    case '毛刺':
      return rand.pick(['边缘可见毛刺', '周围见细短毛刺', '边缘毛糙伴毛刺']);
  }
}

function countWords(rand: Random, f: FindingTruth): string {
  return f.count > 1 ? `${f.count}枚` : rand.pick(['一枚', '一个', '一']);
}

/** One finding's sentence; parts left out as the omission asks. */
function describe(rand: Random, f: FindingTruth, omit: Omission | undefined): string {
  const loc = locationWords(rand, f.location, omit === 'lobe');
  const size = omit === 'size' ? '' : sizeWords(rand, f);
  const join = (...parts: string[]) => parts.filter(Boolean).join('，') + '。';
  switch (f.type) {
    case 'solid-nodule':
      return join(`${loc}见${countWords(rand, f)}${rand.pick(['类圆形', '圆形', '结节状', ''])}${WORDS['solid-nodule'][0]}`, size, marginWords(rand, f), rand.pick(['密度均匀', '其内未见钙化', '']));
    case 'ground-glass-nodule':
      return join(`${loc}见${countWords(rand, f)}${rand.pick(WORDS['ground-glass-nodule'])}`, size, marginWords(rand, f));
    case 'part-solid-nodule':
      return join(`${loc}见${countWords(rand, f)}${rand.pick(WORDS['part-solid-nodule'])}`, size, rand.pick(['其内可见实性成分', '内见软组织密度成分']), marginWords(rand, f));
    case 'mass':
      return join(`${loc}见${rand.pick(WORDS.mass)}`, size, marginWords(rand, f), rand.pick(['邻近胸膜牵拉', '密度欠均匀', '']));
    case 'consolidation':
      return join(`${loc}见${rand.pick(WORDS.consolidation)}`, size, rand.pick(['其内可见支气管充气征', '边界模糊', '']));
    case 'pleural-effusion':
      return join(`${loc}见${rand.pick(WORDS['pleural-effusion'])}`, size, rand.pick(['邻近肺组织受压', '']));
    case 'calcification':
      return join(`${loc}见${countWords(rand, f)}${rand.pick(WORDS.calcification)}`, size, rand.pick(['边界清楚', '']));
    case 'cavity':
      return join(`${loc}见${rand.pick(WORDS.cavity)}`, size, rand.pick(['壁厚薄不均', '内壁尚光整', '']));
    case 'emphysema':
      return join(`${loc}${rand.pick(WORDS.emphysema)}`, rand.pick(EMPHYSEMA_SIGNS), size);
  }
}

const DISTRACTORS = ['胸廓对称。', '气管及主支气管通畅。', '纵隔内未见明显肿大淋巴结。', '心脏大小、形态未见异常。', '所见骨质未见明显异常。', '肺门结构未见异常。', '扫描范围内肝脏未见明显异常。', '主动脉管壁未见钙化。'];
const NORMAL_LUNGS = ['双肺纹理清晰，未见明显实质性病变。', '双肺野清晰，未见异常密度影。'];

/** Which omission (if any) the study's text makes: a stated share of studies is incomplete. */
export function chooseOmission(rand: Random, findings: FindingTruth[], incompleteShare: number): TextOmission | undefined {
  if (findings.length === 0 || !rand.chance(incompleteShare)) return undefined;
  const finding = rand.int(0, findings.length - 1);
  const f = findings[finding]!;
  const options: Omission[] = ['finding'];
  if (isLobe(f.location)) options.push('lobe', 'lobe');
  if (f.type !== 'emphysema') options.push('size');
  return { finding, what: rand.pick(options) };
}

export function writeFindingsText(rand: Random, findings: FindingTruth[], omission: TextOmission | undefined): string {
  const sentences = findings.flatMap((f, i) => {
    const omit = omission?.finding === i ? omission.what : undefined;
    return omit === 'finding' ? [] : [describe(rand, f, omit)];
  });
  if (sentences.length === 0) sentences.push(rand.pick(NORMAL_LUNGS));
  const distractors = rand.shuffle([...DISTRACTORS]).slice(0, rand.int(2, 4));
  return [...rand.shuffle(sentences), ...distractors].join('');
}

const COMPLAINTS = ['咳嗽咳痰2周', '体检发现肺部阴影', '胸闷气短1月', '发热伴咳嗽3天', '胸痛5天', '痰中带血1周', '无明显不适，常规体检', '活动后气促半年'];
const HISTORY = ['吸烟史20年', '既往体健', '高血压病史10年', '2型糖尿病史', '肺结核病史', '慢性支气管炎病史', '否认慢性病史'];

export function writeClinicalLine(rand: Random): string {
  return `主诉：${rand.pick(COMPLAINTS)}。病史：${rand.pick(HISTORY)}。`;
}
