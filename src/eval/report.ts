/**
 * Reports in paper A's shapes, regenerated from every stored result: main results per test set (the
 * baselines stay in every table), ablations, parameters and FLOPs; markdown tables and SVG charts.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { barChart } from '../report/svgChart.ts';
import type { Interval } from './bootstrap.ts';
import type { Prf } from './factScores.ts';
import { bracketsBalanced, failingShare, itemsInSequence, placesWellFormed } from './wellFormed.ts';
import type { Scores } from './evaluate.ts';

export interface ResultRecord {
  model: string;
  kind: string;
  modelDir: string;
  trainedOn: string;
  /** "ablation" rows go to the ablation table as well. */
  ablation?: string;
  params: number;
  flopsPerSummary: number | null;
  testSet: string;
  scores: Scores;
  date: string;
  command: string;
}

const pct = (x: Interval | null | undefined) => (x ? `${(100 * x.value).toFixed(1)} <sub>[${(100 * x.low).toFixed(1)}, ${(100 * x.high).toFixed(1)}]</sub>` : '—');
const raw = (x: Interval | null | undefined) => (x ? `${x.value.toFixed(3)} <sub>[${x.low.toFixed(3)}, ${x.high.toFixed(3)}]</sub>` : '—');
const slug = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '-');

export async function saveResult(dir: string, record: ResultRecord): Promise<void> {
  await mkdir(join(dir, 'results'), { recursive: true });
  await writeFile(join(dir, 'results', `${slug(record.modelDir)}__${slug(record.testSet)}.json`), JSON.stringify(record, null, 1) + '\n');
}

export async function loadResults(dir: string): Promise<ResultRecord[]> {
  const files = (await readdir(join(dir, 'results')).catch(() => [] as string[])).filter((f) => f.endsWith('.json')).sort();
  return Promise.all(files.map(async (f) => JSON.parse(await readFile(join(dir, 'results', f), 'utf8')) as ResultRecord));
}

/** Paper A Table 1: caption metrics (× 100, CIDEr-D as is) plus Tuwen's clinical scores. */
export function mainTable(rows: ResultRecord[]): string {
  const head = '| model | BLEU-1 | BLEU-2 | BLEU-3 | BLEU-4 | METEOR | ROUGE-L | CIDEr-D | fact F1 | lobe acc. (text omits lobe) | pointing game | R@5 |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |';
  const body = rows.map((r) => {
    const c = r.scores.chars;
    return `| ${r.model} | ${pct(c.bleu1)} | ${pct(c.bleu2)} | ${pct(c.bleu3)} | ${pct(c.bleu4)} | ${pct(c.meteor)} | ${pct(c.rougeL)} | ${raw(c.ciderD)} | ${pct(r.scores.factF1)} | ${pct(r.scores.lobeAccImageOnly)} | ${pct(r.scores.pointingGame)} | ${pct(r.scores.recallAt5)} |`;
  });
  return [head, ...body].join('\n');
}

function jiebaTable(rows: ResultRecord[]): string {
  const head = '| model | BLEU-1 | BLEU-4 | METEOR | ROUGE-L | CIDEr-D |\n| --- | --- | --- | --- | --- | --- |';
  return [head, ...rows.map((r) => `| ${r.model} | ${pct(r.scores.jieba.bleu1)} | ${pct(r.scores.jieba.bleu4)} | ${pct(r.scores.jieba.meteor)} | ${pct(r.scores.jieba.rougeL)} | ${raw(r.scores.jieba.ciderD)} |`)].join('\n');
}

function clinicalTable(rows: ResultRecord[]): string {
  const kinds = ['finding', 'location', 'size', 'margin', 'advice'] as const;
  const groups = ['1', '2', '3+'] as const;
  const head = `| model | ${kinds.map((k) => `${k} F1`).join(' | ')} | ${groups.map((g) => `F1, ${g} finding${g === '1' ? '' : 's'}`).join(' | ')} | F1, text omits a finding | R@1 | R@10 | MRR |\n| --- |${' --- |'.repeat(kinds.length + groups.length + 4)}`;
  const cell = (s: (Prf & { n: number }) | undefined) => (s ? `${(100 * s.f1).toFixed(1)} (${s.n})` : '—');
  return [head, ...rows.map((r) => `| ${r.model} | ${kinds.map((k) => (100 * r.scores.perKind[k].f1).toFixed(1)).join(' | ')} | ${groups.map((g) => cell(r.scores.byFindingCount?.[g])).join(' | ')} | ${cell(r.scores.byOmission?.finding)} | ${pct(r.scores.recallAt1)} | ${pct(r.scores.recallAt10)} | ${raw(r.scores.mrr)} |`)].join('\n');
}

/** Diversity and repetition of the predictions (results stored before these existed show —). */
function diversityTable(rows: ResultRecord[]): string {
  const head = '| model | distinct-1 | distinct-2 | seq-rep-4 (lower: less repetition) | brackets unbalanced, % of summaries | item numbers out of sequence, % | places malformed, % |\n| --- | --- | --- | --- | --- | --- | --- |';
  const of = (r: ResultRecord) => (r.scores as Partial<Scores>).diversity;
  const cell = (r: ResultRecord, k: 'distinct1' | 'distinct2' | 'seqRep4') => (of(r) ? (100 * of(r)!.predictions[k]).toFixed(1) : '—');
  // From the stored summaries, so every result that keeps them has it without a new evaluation.
  const failing = (r: ResultRecord, test: (summary: string) => boolean) => (r.scores.items ? (100 * failingShare(r.scores.items.map((i) => i.summary), test)).toFixed(1) : '—');
  const refs = rows.map(of).find((d) => d)?.references;
  const body = rows.map((r) => `| ${r.model} | ${cell(r, 'distinct1')} | ${cell(r, 'distinct2')} | ${cell(r, 'seqRep4')} | ${failing(r, bracketsBalanced)} | ${failing(r, itemsInSequence)} | ${failing(r, placesWellFormed)} |`);
  // The corpus's summaries never leave a bracket unbalanced, number items out of sequence nor write a place wrong (src/eval/wellFormed.ts).
  const reference = refs ? [`| *reference summaries* | *${(100 * refs.distinct1).toFixed(1)}* | *${(100 * refs.distinct2).toFixed(1)}* | *${(100 * refs.seqRep4).toFixed(1)}* | — | — | — |`] : [];
  return [head, ...body, ...reference].join('\n');
}

/** Paper A Table 2: parameters and FLOPs per model. */
function costTable(rows: ResultRecord[]): string {
  const seen = new Map(rows.map((r) => [r.model, r]));
  const head = '| model | parameters | FLOPs per summary |\n| --- | --- | --- |';
  return [head, ...[...seen.values()].map((r) => `| ${r.model} | ${r.params.toLocaleString('en-US')} | ${r.flopsPerSummary === null ? '—' : r.flopsPerSummary.toExponential(2)} |`)].join('\n');
}

export async function writeReports(dir: string): Promise<string> {
  const results = await loadResults(dir);
  const sets = [...new Set(results.map((r) => r.testSet))].sort();
  const sections: string[] = [];
  for (const set of sets) {
    const rows = results.filter((r) => r.testSet === set);
    const file = `chart-${slug(set)}.svg`;
    await writeFile(join(dir, file), barChart({ title: `CIDEr-D on ${set}`, labels: rows.map((r) => r.model), values: rows.map((r) => r.scores.chars.ciderD.value) }));
    await writeFile(join(dir, `facts-${file}`), barChart({ title: `Fact F1 on ${set}`, labels: rows.map((r) => r.model), values: rows.map((r) => r.scores.factF1.value) }));
    const ablations = rows.filter((r) => r.ablation);
    sections.push(
      `## Test set: ${set} (${rows[0]!.scores.n} studies)\n\nCharacter tokens; scores × 100 except CIDEr-D; 95 % bootstrap intervals in brackets.\n\n${mainTable(rows)}\n\n![CIDEr-D](${file}) ![fact F1](facts-${file})\n\n### jieba words\n\n${jiebaTable(rows)}\n\n### Clinical facts per kind and retrieval\n\n${clinicalTable(rows)}\n\n### Diversity, repetition, unbalanced brackets, item numbers and malformed places (characters, × 100)\n\n${diversityTable(rows)}` +
        (ablations.length ? `\n\n### Ablations\n\n${mainTable(ablations)}` : ''),
    );
  }
  const commands = results.map((r) => `- ${r.model} (trained on ${r.trainedOn}) on ${r.testSet}: \`${r.command}\` (${r.date})`).join('\n');
  const text = `# Evaluation reports\n\nGenerated by \`tuwen eval\` from the records in results/; do not edit by hand.\nMETEOR: exact matching only, α = 0.9, β = 3, γ = 0.5 (see src/eval/meteor.ts). Sizes match within ±1 mm in fact scores.\n\n${sections.join('\n\n')}\n\n## Parameters and FLOPs\n\n${costTable(results)}\n\n## How each row was made\n\n${commands}\n`;
  await writeFile(join(dir, 'README.md'), text);
  return text;
}
