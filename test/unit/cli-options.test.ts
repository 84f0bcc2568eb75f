import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/corpus.ts';
import { dilationsOption, findingTypesOption, TRAIN_OPTIONS, trainCommand, trainingOptions } from '../../src/cli/train.ts';
import { configFileArgs, numberOption } from '../../src/cli/trainingSetup.ts';
import { decodingFlags } from '../../src/cli/decodingOptions.ts';
import { trainPipeline } from '../../src/training/pipeline.ts';
import { decodingSuffix, GREEDY } from '../../src/eval/models.ts';

describe('training options', () => {
  it('reads numbers, and refuses what is not one or out of bounds', () => {
    expect(numberOption('0.5', 'lr')).toBe(0.5);
    expect(numberOption('0', 'alpha', { min: 0, max: 1 })).toBe(0);
    expect(() => numberOption('0', 'steps')).toThrow(UsageError);
    expect(() => numberOption('abc', 'steps')).toThrow('--steps must be a positive number');
    expect(() => numberOption('1.5', 'alpha', { min: 0, max: 1 })).toThrow('--alpha must be a number in [0, 1]');
  });

  it('refuses a weight average whose decay is not between 0 and 1, before any training starts', async () => {
    for (const decay of ['1', '0', '1.5', 'x']) await expect(trainCommand(['--stage', 'all', '--out', join(tmpdir(), 'never'), '--weight-average', decay])).rejects.toThrow(UsageError);
  });

  it('the shipped recipe as the README gives it: the config file, then the flags beside it; the decoder\'s own patience and the pointing head\'s shape only where given', async () => {
    const recipe = ['--config', 'configs/retrieval.json', '--filter-features', '--retriever-without-filters', '--filters-in-keys-only', '--pointing-head-steps', '600', '--out', join(tmpdir(), 'never')];
    const shipped = (await trainingOptions([...recipe, '--decoder-patience', '2'])).pipeline;
    expect(shipped).toMatchObject({ decoderSteps: 1400, retrieverSteps: 1000, imageSteps: 1200, patience: 4, decoderPatience: 2, pointingHeadSteps: 600, filtersInKeysOnly: true, retrieverWithoutFilters: true, image: { filterFeatures: true } });
    expect(shipped).not.toHaveProperty('pointingHeadHidden');
    const plain = (await trainingOptions(recipe)).pipeline;
    expect(plain).not.toHaveProperty('decoderPatience'); // the stages' common patience applies
    expect((await trainingOptions([...recipe, '--pointing-head-hidden', '64'])).pipeline.pointingHeadHidden).toBe(64);
    for (const bad of ['0', '-1', 'two']) await expect(trainingOptions([...recipe, `--decoder-patience=${bad}`])).rejects.toThrow('--decoder-patience must be a positive number');
    await expect(trainingOptions([...recipe, '--pointing-head-hidden', '0'])).rejects.toThrow(UsageError);
    // A head's shape without a head: refused before any stage runs.
    const headless = (await trainingOptions([...recipe.filter((a) => a !== '--pointing-head-steps' && a !== '600'), '--pointing-head-hidden', '64'])).pipeline;
    await expect(trainPipeline({ ...headless, progress: () => () => {}, log: () => {} })).rejects.toThrow('--pointing-head-hidden shapes the pointing head of --pointing-head-steps');
  });

  it('--image-lr-floor: the image encoder\'s step size decays to that share of it, for --stage all and --stage image; absent, it stays constant', async () => {
    const out = ['--out', join(tmpdir(), 'never')];
    expect((await trainingOptions(['--stage', 'all', ...out, '--image-lr-floor', '0.1'])).pipeline.imageLearningRateFloor).toBe(0.1);
    expect((await trainingOptions(['--stage', 'image', ...out, '--image-lr-floor', '1'])).pipeline.imageLearningRateFloor).toBe(1);
    expect((await trainingOptions(['--stage', 'all', ...out])).pipeline).not.toHaveProperty('imageLearningRateFloor');
    for (const bad of ['0', '1.5', '-0.1', 'x']) await expect(trainingOptions(['--stage', 'all', ...out, `--image-lr-floor=${bad}`])).rejects.toThrow('--image-lr-floor');
  });

  it('--lesion-steps: the lesion detector, in --stage all or added to a finished run by --stage lesions (which needs it); absent, none', async () => {
    const out = ['--out', join(tmpdir(), 'never')];
    expect((await trainingOptions(['--stage', 'all', ...out, '--lesion-steps', '3000'])).pipeline.lesionSteps).toBe(3000);
    expect((await trainingOptions(['--stage', 'lesions', ...out, '--lesion-steps', '10'])).pipeline.lesionSteps).toBe(10);
    expect((await trainingOptions(['--stage', 'all', ...out])).pipeline).not.toHaveProperty('lesionSteps');
    await expect(trainingOptions(['--stage', 'lesions', ...out])).rejects.toThrow('--stage lesions needs --lesion-steps N');
    await expect(trainingOptions(['--stage', 'nothing', ...out])).rejects.toThrow('--stage must be image (pretraining only), all, or lesions');
    await expect(trainCommand(['--stage', 'lesions', '--out', join(tmpdir(), 'tuwen-no-run'), '--lesion-steps', '1'])).rejects.toThrow('no trained model to add the lesion detector to');
  });

  it('reads the context dilations as whole numbers ≥ 1', () => {
    expect(dilationsOption('1,2,4,8,16,32')).toEqual([1, 2, 4, 8, 16, 32]);
    expect(dilationsOption('3')).toEqual([3]);
    for (const bad of ['1,,2', '0,1', '1.5', 'a', '']) expect(() => dilationsOption(bad)).toThrow(UsageError);
  });

  it('reads the omitted finding types as the corpus names them, and names the types when one is unknown', () => {
    expect(findingTypesOption('pleural-effusion,mass')).toEqual(['pleural-effusion', 'mass']);
    expect(() => findingTypesOption('pleural-effusion,tumour')).toThrow(/unknown finding type tumour; the types are .*solid-nodule/);
    expect(() => findingTypesOption('')).toThrow(UsageError);
  });

  it('--config FILE gives options as JSON; a flag on the command line wins; unknown names and wrong types are refused', async () => {
    const options = { out: { type: 'string' }, 'decoder-steps': { type: 'string' }, resume: { type: 'boolean' } } as const;
    const dir = await mkdtemp(join(tmpdir(), 'tuwen-config-'));
    const file = async (json: string) => {
      const path = join(dir, `${Math.random()}.json`);
      await writeFile(path, json);
      return path;
    };
    const good = await file('{"out": "models/mine", "decoder-steps": 1200, "resume": true}');
    expect(await configFileArgs(good, options)).toEqual(['--out', 'models/mine', '--decoder-steps', '1200', '--resume']);
    const { values } = parseArgs({ args: [...(await configFileArgs(good, options)), '--decoder-steps', '50'], options });
    expect(values).toEqual({ out: 'models/mine', 'decoder-steps': '50', resume: true });
    await expect(configFileArgs(await file('{"decoder_steps": 3}'), options)).rejects.toThrow('unknown option "decoder_steps"');
    await expect(configFileArgs(await file('{"resume": "yes"}'), options)).rejects.toThrow('"resume" must be true or false');
    await expect(configFileArgs(await file('{"out": ["a"]}'), options)).rejects.toThrow('"out" must be a string or a number');
    await expect(configFileArgs(await file('[1, 2]'), options)).rejects.toThrow('expected a JSON object');
    await expect(configFileArgs(await file('{"out": '), options)).rejects.toThrow(UsageError);
    await expect(configFileArgs(join(dir, 'missing.json'), options)).rejects.toThrow(UsageError);
    // The recipe the README points at names only options that tuwen train knows.
    expect(await configFileArgs('configs/retrieval.json', TRAIN_OPTIONS)).toContain('--decoder-steps');
  });
});

describe('decoding flags', () => {
  it('greedy by default; beam, length penalty, balanced brackets, items in sequence, an item per salient sentence places from the text, lobes from the pointing attention and counts as the text states them when asked; brackets refused with greedy, salient items without numbering, both ways of placing at once', () => {
    const none = { balancedBrackets: false, sequentialItems: false, salientItems: false, textPlaces: false, namedPlaces: false, pointedLobes: false, lesionLobes: false, statedCounts: false };
    expect(decodingFlags({})).toEqual({ beamSize: 1, lengthPenalty: 0.7, ...none });
    expect(decodingFlags({ beam: '3', 'length-penalty': '0', 'balanced-brackets': true })).toEqual({ beamSize: 3, lengthPenalty: 0, ...none, balancedBrackets: true });
    expect(decodingFlags({ 'sequential-items': true })).toEqual({ beamSize: 1, lengthPenalty: 0.7, ...none, sequentialItems: true });
    expect(decodingFlags({ 'sequential-items': true, 'salient-items': true })).toEqual({ beamSize: 1, lengthPenalty: 0.7, ...none, sequentialItems: true, salientItems: true });
    expect(() => decodingFlags({ 'salient-items': true })).toThrow('--salient-items needs --sequential-items');
    expect(decodingFlags({ 'text-places': true })).toEqual({ beamSize: 1, lengthPenalty: 0.7, ...none, textPlaces: true });
    expect(decodingFlags({ 'named-places': true })).toEqual({ beamSize: 1, lengthPenalty: 0.7, ...none, namedPlaces: true });
    expect(() => decodingFlags({ 'text-places': true, 'named-places': true })).toThrow('pick one');
    expect(decodingFlags({ 'pointed-lobes': true, 'text-places': true })).toEqual({ beamSize: 1, lengthPenalty: 0.7, ...none, pointedLobes: true, textPlaces: true });
    expect(decodingFlags({ 'lesion-lobes': true })).toEqual({ beamSize: 1, lengthPenalty: 0.7, ...none, lesionLobes: true });
    expect(decodingFlags({ 'stated-counts': true })).toEqual({ beamSize: 1, lengthPenalty: 0.7, ...none, statedCounts: true });
    expect(() => decodingFlags({ 'pointed-lobes': true, 'lesion-lobes': true })).toThrow('--pointed-lobes and --lesion-lobes are two ways to weigh a lobe the text omits: pick one');
    expect(() => decodingFlags({ 'balanced-brackets': true })).toThrow('--balanced-brackets needs --beam 2 or more');
    for (const beam of ['0', '1.5', 'x']) expect(() => decodingFlags({ beam })).toThrow(UsageError);
    expect(() => decodingFlags({ 'length-penalty': '-1' })).toThrow('--length-penalty must be a number ≥ 0');
    expect(decodingFlags({ mmr: '0.7' })).toEqual({ beamSize: 1, lengthPenalty: 0.7, ...none, mmr: 0.7 });
    for (const mmr of ['1.5', '-0.1', 'x']) expect(() => decodingFlags({ mmr })).toThrow('--mmr must be a number from 0 to 1');
    expect(decodingFlags({ 'text-match': '0.1' })).toEqual({ beamSize: 1, lengthPenalty: 0.7, ...none, textMatch: 0.1 });
    for (const textMatch of ['-0.1', 'x']) expect(() => decodingFlags({ 'text-match': textMatch })).toThrow('--text-match must be a number ≥ 0');
  });
});

describe('stored result names', () => {
  it('name the decoding as the stored records do: nothing for greedy, then beam, brackets, items, salient items', () => {
    expect(decodingSuffix(GREEDY)).toBe('');
    expect(decodingSuffix({ ...GREEDY, sequentialItems: true })).toBe('-items');
    expect(decodingSuffix({ beamSize: 3, lengthPenalty: 0.7, balancedBrackets: true })).toBe('-beam3-lp0.7-brackets');
    expect(decodingSuffix({ beamSize: 3, lengthPenalty: 0.7, balancedBrackets: true, sequentialItems: true, salientItems: true })).toBe('-beam3-lp0.7-brackets-items-salient');
    expect(decodingSuffix({ ...GREEDY, mmr: 0.7 })).toBe('-mmr0.7');
    expect(decodingSuffix({ beamSize: 3, lengthPenalty: 0.7, lesionLobes: true, textMatch: 0.1 })).toBe('-beam3-lp0.7-lesions-tm0.1');
    expect(decodingSuffix({ beamSize: 3, lengthPenalty: 0.7, salientItems: true, textPlaces: true })).toBe('-beam3-lp0.7-salient-places');
    expect(decodingSuffix({ beamSize: 3, lengthPenalty: 0.7, salientItems: true, namedPlaces: true })).toBe('-beam3-lp0.7-salient-named');
    expect(decodingSuffix({ beamSize: 3, lengthPenalty: 0.7, salientItems: true, pointedLobes: true })).toBe('-beam3-lp0.7-salient-pointed');
    expect(decodingSuffix({ beamSize: 3, lengthPenalty: 0.7, salientItems: true, lesionLobes: true })).toBe('-beam3-lp0.7-salient-lesions');
    expect(decodingSuffix({ beamSize: 3, lengthPenalty: 0.7, lesionLobes: true, statedCounts: true })).toBe('-beam3-lp0.7-lesions-counts');
  });
});
