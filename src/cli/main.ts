/** `tuwen` command line: one sub-command per job; each lives in its own module. */
import { parseArgs } from 'node:util';
import { corpusCommand, datasetCommand, samplesCommand, UsageError } from './corpus.ts';
import { baselineCommand, compareCommand, evalCommand, metricsCommand, reportAdversarialCommand } from './evaluate.ts';
import { inspectFiles, inspectSeries } from './inspect.ts';
import { summarizeCommand } from './summarize.ts';
import { ensembleCommand, exportCommand, trainCommand } from './train.ts';
import { trainGenerativeCommand } from './trainGenerative.ts';
import { fineTuneRewardCommand } from './fineTuneReward.ts';

const USAGE = `usage: tuwen <command> [options]

commands:
  inspect FILE... [--series]   decode DICOM / PNG / JPEG files and print one JSON object per file
                               (--series: treat the files as one series and print its order and spacing)
  corpus --seed S --n N --out DIR [--size 256] [--incomplete 0.35]
                               write the synthetic chest-CT corpus (DICOM series, ground truth,
                               manifests per split, passages, tokenizer)
  samples [--out public/samples]
                               write the demo studies the page offers (one per kind of finding)
  dataset check MANIFEST [--no-images]
                               validate a JSONL dataset manifest line by line (exit 1 on any problem)
  metrics FILE.json            BLEU-1..4, ROUGE-L, CIDEr-D, METEOR for token lists
                               ({"sets":[{"items":[{"refs":[[…]],"hyp":[…]}]}]}), one JSON line per set
  baseline --kind nearest|frequent (--corpus DIR | --seed S --n N) --out DIR
                               build a baseline "model" from a training split
  eval --model DIR (--split test [--corpus DIR] | --manifest FILE | --seed S --n N) [--beam N [--length-penalty 0.7]] [--balanced-brackets] [--sequential-items [--salient-items]] [--text-places | --named-places] [--pointed-lobes | --lesion-lobes] [--stated-counts] [--mmr 0.7] [--text-match 0.1] [--json] [--reports reports]
                               evaluate a model; writes reports/ and prints the table
  compare --test-set NAME [--reports reports] [--json] MODEL_A MODEL_B
                               two stored results of one test set, study by study: CIDEr-D and fact F1
                               A − B with paired bootstrap intervals, and how many summaries differ
  train --stage image|all|lesions --out DIR [--config FILE] [--seed 1 --n 1000 | --manifest FILE] [--steps 600
        --retriever-steps 400 --decoder-steps 800 --batch 8 --positive-weight 40 --eval-every 50
        --passages 3 --decoder-hidden 192 --coverage-weight 1 --copy-weight 1 --attention-weight 1 --region-dropout 0 --weight-average 0.995 --context-dilations 1,2,4,8 --temporal-attention
        --own-text-findings --omitted-lobe-copies --omitted-finding-copies [--omitted-finding-types T,T] --aligned-copies --sentence-attention --sentence-weight 1 --max-summary 96
        --guided-vision --visual-output --remaining-sentences --sentence-product --passage-uncopied --region-lobes --region-mixing 1 --lobe-head --localisation-weight 1 --mirror --image-lr-floor 0.1 --thresholds --log-features --head-features --dot-filter --filter-features --retriever-without-filters --filters-in-keys-only --detached-visual-query --pointing-attention --reading-attention-weight 1 --deep-stem --region-max
        --reworded-items --mmr 0.7 --init-seed S --image-seed S --decoder-seed S --ablation no-retrieval|random-image|fixed-beta --int8-aware-steps N --pointing-head-steps N --lesion-steps N
        --patience 4 --decoder-patience N --resume --cache models/study-cache]
                               train the retrieval model (wasm) on the corpus or a dataset manifest: image
                               pretraining only, or every stage (image, retriever, decoder) into a model
                               directory; --config FILE: the same options as a JSON object (flags win);
                               --resume continues an interrupted run in DIR from its last checkpoints;
                               a DIR holding an image encoder reuses it, and corpus studies' frozen
                               features from --cache instead of rendering them again; --lesion-steps N
                               also trains the lesion detector (--stage lesions: adds it to a finished run)
  train-generative --stage mle|adversarial --from RETRIEVAL_DIR --out DIR [--init MLE_DIR]
        [--steps 1500 --batch 16 --lr 0.001 --s 0.5 --samples 4 --mle-weight 0.5 --policy-weight 1
        --discriminator-warmup 50 --cache models/study-cache --seed 1 --n 2000]
                               LFMGAN: the GPT-2-style generator by maximum likelihood, then adversarial
                               training with a RoBERTa-style discriminator (reward s·MaliGAN + (1 − s)·cos)
  finetune-reward --from RETRIEVAL_DIR --out DIR [--alpha 0.5 --evaluator cider-d|facts --steps 200
        --batch 16 --lr 0.0002 --mle-weight 0 --discriminator-warmup 30 --cache models/study-cache]
                               paper B: policy-gradient fine-tuning of the retrieval decoder with
                               r = α·D(real) + (1 − α)·e (e: CIDEr-D, or the clinical fact F1) and a
                               self-critical (greedy) baseline
  report-adversarial --test-set NAME [--test-set NAME…] MODEL_DIR...
                               reports/adversarial.md: MLE vs adversarial (LFMGAN, s) and vs reward (α)
                               from the stored evaluations and the training histories
  summarize --model DIR FILE... [--text "…" | --text-file F] [--beam N] [--balanced-brackets] [--sequential-items [--salient-items]] [--text-places | --named-places] [--pointed-lobes | --lesion-lobes] [--stated-counts] [--mmr 0.7] [--text-match 0.1] [--json]
                               summarise a study (DICOM files, a series, or a picture) with its text
  ensemble --model DIR --add DIR [--add DIR…] --out DIR
                               one model that decodes with several decoders' mean distribution: DIR's, and
                               those of models whose decoder was trained on DIR's image encoder and retriever
  export --model DIR --out public/models/NAME
                               uint8 weights, int8 passage index, tokenizer, manifest with SHA-256
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'inspect': {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { series: { type: 'boolean' } } });
      if (positionals.length === 0) {
        process.stderr.write('tuwen inspect: give at least one file\n');
        return 2;
      }
      const print = (line: string) => process.stdout.write(line + '\n');
      await (values.series ? inspectSeries(positionals, print) : inspectFiles(positionals, print));
      return 0;
    }
    case 'corpus':
      return corpusCommand(rest);
    case 'dataset':
      return datasetCommand(rest);
    case 'samples':
      return samplesCommand(rest);
    case 'metrics':
      return metricsCommand(rest);
    case 'baseline':
      return baselineCommand(rest);
    case 'eval':
      return evalCommand(rest);
    case 'compare':
      return compareCommand(rest);
    case 'train':
      return trainCommand(rest);
    case 'train-generative':
      return trainGenerativeCommand(rest);
    case 'finetune-reward':
      return fineTuneRewardCommand(rest);
    case 'report-adversarial':
      return reportAdversarialCommand(rest);
    case 'ensemble':
      return ensembleCommand(rest);
    case 'export':
      return exportCommand(rest);
    case 'summarize':
      return summarizeCommand(rest);
    case undefined:
    case '-h':
    case '--help':
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`tuwen: unknown command '${command}'\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof UsageError || (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'))) {
      process.stderr.write(`tuwen: ${err.message}\n`);
      process.exitCode = 2;
      return;
    }
    // A message, not a stack trace; TUWEN_DEBUG=1 shows where it came from.
    process.stderr.write(`tuwen: ${err instanceof Error ? (process.env.TUWEN_DEBUG ? err.stack : err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
