/** Facts → the diagnostic impression (诊断意见), in one of several phrasings drawn from the lexicon. */
import { ADVICE_PHRASES, effusionAmount, FINDING_PHRASES, IMPRESSIONS, LOCATION_PHRASES, MARGIN_PHRASES, NORMAL_PHRASES } from './lexicon.ts';
import { Random } from './random.ts';
import type { Fact, FindingType } from './schema.ts';

const NAMES = new Map(FINDING_PHRASES);

function sizePhrase(rand: Random, fact: Fact, several: boolean): string {
  const mm = fact.sizeMm!;
  if (fact.finding === 'pleural-effusion') return rand.pick([`深约${mm}mm`, `最大深度约${mm}mm`]);
  const lead = several ? '较大者约' : rand.pick(['约', '大小约', '直径约']);
  // Centimetres only where they are exact to one decimal (always, since sizes are whole mm).
  return mm >= 10 && rand.chance(0.3) ? `${lead}${(mm / 10).toFixed(1)}cm` : `${lead}${mm}mm`;
}

function findingPhrase(rand: Random, fact: Fact, count: number): string {
  const type = fact.finding as FindingType;
  const loc = rand.pick(LOCATION_PHRASES[fact.location!]);
  if (type === 'pleural-effusion') return `${loc}${effusionAmount(fact.sizeMm!)}${loc.endsWith('胸腔') ? '积液' : '胸腔积液'}`;
  const name = rand.pick(NAMES.get(type)!);
  return count > 1 ? `${loc}多发${name}` : `${loc}${name}`;
}

/** One impression item: finding, size, margin, impression, advice; the parts joined in one of two styles. */
function item(rand: Random, fact: Fact, count: number): string {
  const head = findingPhrase(rand, fact, count);
  const size = fact.sizeMm !== undefined ? sizePhrase(rand, fact, count > 1) : '';
  const margin = fact.margin ? rand.pick(MARGIN_PHRASES[fact.margin]) : '';
  const impression = rand.pick(IMPRESSIONS[fact.finding as FindingType]);
  const advice = rand.pick(ADVICE_PHRASES[fact.advice]);
  const details = [count > 1 ? `共${count}枚` : '', size, margin].filter(Boolean);
  if (rand.chance(0.5) && details.length > 0) {
    return `${head}（${details.join('，')}）${impression ? `，${impression}` : ''}；${advice}`;
  }
  return [head, ...details, impression, advice].filter(Boolean).join('，');
}

/** The whole impression: numbered items (most urgent first) or, for one finding, often a bare sentence. */
export function writeSummary(rand: Random, facts: Fact[], counts: number[]): string {
  if (facts.length === 1 && facts[0]!.finding === 'normal') return `${rand.pick(NORMAL_PHRASES)}。`;
  const items = facts.map((f, i) => item(rand, f, counts[i] ?? 1));
  if (items.length === 1 && rand.chance(0.5)) return `${items[0]}。`;
  return items.map((text, i) => `${i + 1}、${text}。`).join('');
}
