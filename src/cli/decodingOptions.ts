/** The decoding flags that `tuwen summarize` and `tuwen eval` share: --beam, --length-penalty, --balanced-brackets, --sequential-items, --salient-items, --text-places, --named-places, --pointed-lobes, --lesion-lobes, --stated-counts, --mmr, --text-match. */
import type { EvalDecoding } from '../eval/models.ts';
import { UsageError } from './corpus.ts';

/** The flags' values: the evaluation's decoding options (`EvalDecoding`), each constraint on or off. */
export type DecodingFlags = Required<Omit<EvalDecoding, 'mmr' | 'textMatch'>> & Pick<EvalDecoding, 'mmr' | 'textMatch'>;

/** --mmr's λ, checked: a number from 0 to 1; undefined when the flag is absent. */
export function mmrFlag(value: string | undefined): number | undefined {
  const mmr = value === undefined ? undefined : Number(value);
  if (mmr !== undefined && !(mmr >= 0 && mmr <= 1)) throw new UsageError('--mmr must be a number from 0 to 1 (1: passages by score alone)');
  return mmr;
}

export function decodingFlags(values: { beam?: string; 'length-penalty'?: string; 'balanced-brackets'?: boolean; 'sequential-items'?: boolean; 'salient-items'?: boolean; 'text-places'?: boolean; 'named-places'?: boolean; 'pointed-lobes'?: boolean; 'lesion-lobes'?: boolean; 'stated-counts'?: boolean; mmr?: string; 'text-match'?: string }): DecodingFlags {
  const beamSize = Number(values.beam ?? '1');
  const lengthPenalty = Number(values['length-penalty'] ?? '0.7');
  if (!Number.isInteger(beamSize) || beamSize < 1) throw new UsageError('--beam must be a whole number ≥ 1');
  if (!(lengthPenalty >= 0)) throw new UsageError('--length-penalty must be a number ≥ 0');
  // Greedy decoding cannot go back to close a bracket in time (docs/experiments.md, "Balanced brackets").
  if (values['balanced-brackets'] && beamSize === 1) throw new UsageError('--balanced-brackets needs --beam 2 or more: greedy decoding cannot go back to close a bracket in time');
  if (values['salient-items'] && !values['sequential-items']) throw new UsageError('--salient-items needs --sequential-items: it counts the numbered items');
  if (values['text-places'] && values['named-places']) throw new UsageError('--text-places and --named-places are two ways to keep an item\'s place: pick one');
  if (values['pointed-lobes'] && values['lesion-lobes']) throw new UsageError('--pointed-lobes and --lesion-lobes are two ways to weigh a lobe the text omits: pick one');
  const mmr = mmrFlag(values.mmr);
  const textMatch = values['text-match'] === undefined ? undefined : Number(values['text-match']);
  if (textMatch !== undefined && !(textMatch >= 0)) throw new UsageError('--text-match must be a number ≥ 0 (the score a passage gains per finding of the text it holds)');
  return { beamSize, lengthPenalty, balancedBrackets: values['balanced-brackets'] === true, sequentialItems: values['sequential-items'] === true, salientItems: values['salient-items'] === true, textPlaces: values['text-places'] === true, namedPlaces: values['named-places'] === true, pointedLobes: values['pointed-lobes'] === true, lesionLobes: values['lesion-lobes'] === true, statedCounts: values['stated-counts'] === true, ...(mmr === undefined ? {} : { mmr }), ...(textMatch === undefined ? {} : { textMatch }) };
}
