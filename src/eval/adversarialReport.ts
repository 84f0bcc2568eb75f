/**
 * reports/adversarial.md: what adversarial training changed, for both models — LFMGAN (MLE vs adversarial
 * for each s) and the retrieval decoder (MLE vs paper B's reward for each α) — from the stored evaluation
 * results and the training histories of the model directories; the training curves copied beside it.
 */
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { GenerativeModelConfig } from '../inference/generativeSummarizer.ts';
import type { ModelConfig } from '../inference/summarizer.ts';
import type { LfmganHistory } from '../training/trainLfmgan.ts';
import type { RewardHistory } from '../training/rewardFineTune.ts';
import { loadResults, type ResultRecord } from './report.ts';

interface Run {
  dir: string;
  config: ModelConfig | GenerativeModelConfig;
  /** Its evaluation on each test set, by test set name. */
  results: Map<string, ResultRecord>;
  lfmgan?: LfmganHistory[];
  reward?: RewardHistory[];
}

const f1 = (x: number) => (100 * x).toFixed(1);

function scoreCells(r: ResultRecord | undefined): string {
  if (!r) return '— | — | — | — | — | — | — | —';
  const s = r.scores;
  const d = s.diversity?.predictions;
  return [f1(s.factF1.value), f1(s.chars.bleu4.value), f1(s.chars.rougeL.value), s.chars.ciderD.value.toFixed(3), s.pointingGame ? f1(s.pointingGame.value) : '—', d ? f1(d.distinct1) : '—', d ? f1(d.distinct2) : '—', d ? f1(d.seqRep4) : '—'].join(' | ');
}

const SCORE_HEAD = 'fact F1 | BLEU-4 | ROUGE-L | CIDEr-D | pointing | distinct-1 | distinct-2 | seq-rep-4';

export async function writeAdversarialReport(reportsDir: string, dirs: string[], testSets: string[]): Promise<string> {
  const results = (await loadResults(reportsDir)).filter((r) => testSets.includes(r.testSet));
  const runs: Run[] = [];
  for (const dir of dirs) {
    const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as Run['config'];
    const history = async <T>(file: string) => (existsSync(join(dir, file)) ? (JSON.parse(await readFile(join(dir, file), 'utf8')) as T) : undefined);
    const mine = new Map(results.filter((r) => r.modelDir === basename(resolve(dir))).map((r) => [r.testSet, r]));
    const lfmgan = await history<LfmganHistory[]>('adversarial-history.json');
    const reward = await history<RewardHistory[]>('reward-history.json');
    runs.push({ dir, config, results: mine, ...(lfmgan ? { lfmgan } : {}), ...(reward ? { reward } : {}) });
  }
  await mkdir(join(reportsDir, 'images'), { recursive: true });
  const curves: string[] = [];
  for (const run of runs) {
    for (const file of ['curve-adversarial.svg', 'curve-reward.svg', 'curve-generator-mle.svg']) {
      if (!existsSync(join(run.dir, file))) continue;
      const name = `${basename(resolve(run.dir))}-${file}`;
      await copyFile(join(run.dir, file), join(reportsDir, 'images', name));
      curves.push(`![${basename(resolve(run.dir))}: ${file}](images/${name})`);
    }
  }

  // MLE first, then the control, then the adversarial runs by s.
  const order = (c: GenerativeModelConfig) => (c.training.adversarialSteps === 0 ? -2 : c.training.policyWeight === 0 ? -1 : (c.training.s ?? 0));
  const generative = runs.filter((r): r is Run & { config: GenerativeModelConfig } => r.config.kind === 'generative').sort((a, b) => order(a.config) - order(b.config));
  const retrieval = runs.filter((r): r is Run & { config: ModelConfig } => r.config.kind === 'retrieval').sort((a, b) => (a.config.reward?.alpha ?? -1) - (b.config.reward?.alpha ?? -1));
  const span = <T>(h: T[] | undefined, f: (x: T) => string) => (h && h.length ? `${f(h[0]!)} → ${f(h[h.length - 1]!)}` : '—');
  const sections = testSets.map((set) => {
    const lfmganRows = generative.map((r) => {
      const t = r.config.training;
      const label = t.adversarialSteps === 0 ? '**MLE only**' : t.policyWeight === 0 ? 'control: MLE continued on the adversarial schedule (no reward)' : `adversarial, s = ${t.s}`;
      return `| ${label} | ${t.adversarialSteps} | ${scoreCells(r.results.get(set))} | ${span(r.lfmgan, (h) => f1(h.discriminatorAccuracy))} | ${span(r.lfmgan, (h) => h.meanPReal.toFixed(2))} | ${span(r.lfmgan, (h) => h.meanCos.toFixed(3))} |`;
    });
    const rewardLabel = (reward: ModelConfig['reward']) => (reward ? `reward, α = ${reward.alpha}${reward.evaluator === 'facts' ? ', e = fact F1' : ''}` : '**MLE only**');
    const rewardRows = retrieval.map((r) => `| ${rewardLabel(r.config.reward)} | ${r.config.reward?.steps ?? 0} | ${scoreCells(r.results.get(set))} | ${span(r.reward, (h) => f1(h.discriminatorAccuracy))} | ${span(r.reward, (h) => h.greedyCider.toFixed(3))} |`);
    const refs = runs.map((r) => r.results.get(set)?.scores.diversity?.references).find((x) => x);
    return [
      `## Test set: ${set}`,
      '',
      '### LFMGAN (paper A §2): MLE vs adversarial, reward s·MaliGAN + (1 − s)·cos',
      '',
      `| generator | adversarial steps | ${SCORE_HEAD} | D accuracy | P(real ∣ sample) | cos(sample, reference) |`,
      `| --- | --- |${' --- |'.repeat(8)} --- | --- | --- |`,
      ...lfmganRows,
      '',
      '### The retrieval decoder (paper B): MLE vs reward fine-tuning, r = α·D(real) + (1 − α)·e, e = CIDEr-D unless the row names fact F1',
      '',
      `| decoder | reward steps | ${SCORE_HEAD} | D accuracy | greedy e on training batches |`,
      `| --- | --- |${' --- |'.repeat(8)} --- | --- |`,
      ...rewardRows,
      '',
      refs ? `Reference summaries: distinct-1 ${f1(refs.distinct1)}, distinct-2 ${f1(refs.distinct2)}, seq-rep-4 ${f1(refs.seqRep4)}.` : '',
    ].join('\n');
  });
  const text = [
    '# Adversarial training: what it changed',
    '',
    'Generated by `tuwen report-adversarial` from the evaluation records in results/ and the training histories of the model directories; do not edit by hand. Scores × 100 except CIDEr-D; greedy decoding; characters. "D accuracy" is the discriminator\'s running accuracy on the batch\'s references and samples, from the first evaluation step of training to the last; P(real ∣ sample) and cos likewise.',
    '',
    ...sections.flatMap((s) => [s, '']),
    '## Curves',
    '',
    curves.join('\n'),
    '',
  ].join('\n');
  await writeFile(join(reportsDir, 'adversarial.md'), text);
  return text;
}
