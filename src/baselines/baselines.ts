/**
 * The two baselines every report keeps: "nearest" answers with the summary of the training study whose
 * text (findings + clinical line) is most similar (TF-IDF cosine), and ranks the reference passages by
 * the same similarity; "frequent" answers every study with the most frequent training summary.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Passage } from '../corpus/passages.ts';
import { readJsonl, toJsonl } from '../dataset/jsonl.ts';
import type { EvalItem } from '../eval/testSet.ts';
import { TfidfIndex } from './tfidf.ts';

export type BaselineKind = 'baseline-nearest' | 'baseline-frequent';

export interface TrainingExample {
  id: string;
  text: string;
  clinical: string;
  summary: string;
}

export interface BaselineConfig {
  kind: BaselineKind;
  name: string;
  trainedOn: string;
  trainExamples: number;
}

/** What a model answers for one study; retrieval and attention where the model has them. */
export interface Prediction {
  summary: string;
  ranked?: Pick<Passage, 'findingTypes' | 'locations'>[];
  /** Pointing-game outcomes of this summary's finding and location tokens (models with attention). */
  pointing?: boolean[];
}

export interface EvalModel {
  name: string;
  /** Set for the retrieval model and its ablations: the variant's name in the ablation table. */
  ablation?: string;
  kind: string;
  /** What the model learned from, in words (for the report). */
  trainedOn: string;
  /** Learned parameters (0 for the baselines). */
  params: number;
  flopsPerSummary: number | null;
  predict(item: EvalItem): Promise<Prediction>;
}

const queryText = (x: { text: string; clinical: string }) => `${x.clinical}${x.text}`;

export async function writeBaseline(out: string, kind: BaselineKind, train: TrainingExample[], passages: Passage[], trainedOn: string): Promise<void> {
  await mkdir(out, { recursive: true });
  const config: BaselineConfig = { kind, name: kind === 'baseline-nearest' ? 'Nearest training summary' : 'Most frequent summary', trainedOn, trainExamples: train.length };
  await writeFile(join(out, 'config.json'), JSON.stringify(config, null, 1) + '\n');
  await writeFile(join(out, 'train.jsonl'), toJsonl(train));
  await writeFile(join(out, 'passages.jsonl'), toJsonl(passages));
}

export async function loadBaseline(dir: string): Promise<EvalModel> {
  const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as BaselineConfig;
  const train = await readJsonl<TrainingExample>(join(dir, 'train.jsonl'));
  const passages = await readJsonl<Passage>(join(dir, 'passages.jsonl'));
  const passageIndex = new TfidfIndex(passages.map((p) => p.text));
  const rankPassages = (item: EvalItem) => passageIndex.rank(queryText(item), 10).map((r) => passages[r.index]!);
  if (config.kind === 'baseline-frequent') {
    const counts = new Map<string, number>();
    for (const t of train) counts.set(t.summary, (counts.get(t.summary) ?? 0) + 1);
    const summary = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]![0];
    return { name: config.name, kind: config.kind, trainedOn: config.trainedOn, params: 0, flopsPerSummary: null, predict: async () => ({ summary }) };
  }
  const index = new TfidfIndex(train.map(queryText));
  return {
    name: config.name,
    kind: config.kind,
    trainedOn: config.trainedOn,
    params: 0,
    flopsPerSummary: null,
    predict: async (item) => ({ summary: train[index.rank(queryText(item), 1)[0]!.index]!.summary, ranked: rankPassages(item) }),
  };
}
