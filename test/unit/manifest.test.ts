/** The dataset manifest: every kind of bad line is reported with its line number and counted. */
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readManifest, validateEntry } from '../../src/dataset/manifest.ts';
import { FIXTURES } from '../helpers/fixtures.ts';

describe('dataset manifest', () => {
  it('validates fields line by line', () => {
    expect(validateEntry({ image: 'a.dcm', summary: '双肺未见明显异常。' }, 3)).toEqual({ id: 'line-3', image: 'a.dcm', text: '', summary: '双肺未见明显异常。' });
    expect(validateEntry({ image: 'a.dcm', summary: '  ' }, 1)).toMatchObject({ code: 'empty-summary' });
    expect(validateEntry({ summary: 'x' }, 1)).toMatchObject({ code: 'missing-field' });
    expect(validateEntry({ image: [], summary: 'x' }, 1)).toMatchObject({ code: 'missing-field' });
    expect(validateEntry({ image: 'a', summary: 'x', split: 'dev' }, 1)).toMatchObject({ code: 'bad-split' });
    expect(validateEntry([1], 1)).toMatchObject({ code: 'bad-json' });
  });

  it('reads a user dataset: files, folders, pictures; reports and counts every problem', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tuwen-manifest-'));
    mkdirSync(join(dir, 'series'));
    for (const f of ['series_ct_1.dcm', 'series_ct_2.dcm', 'series_ct_3.dcm']) copyFileSync(`${FIXTURES}generated/${f}`, join(dir, 'series', f));
    copyFileSync(`${FIXTURES}dicom/MR_small.dcm`, join(dir, 'mr.dcm'));
    copyFileSync(`${FIXTURES}dicom/MR_truncated.dcm`, join(dir, 'truncated.dcm'));
    copyFileSync(`${FIXTURES}generated/grey_gradient.png`, join(dir, 'photo.png'));
    writeFileSync(join(dir, 'notes.dcm'), '这不是影像');
    const lines = [
      { id: 'a', image: 'series', text: '右肺上叶见结节。', summary: '右肺上叶实性结节。', split: 'train' },
      { id: 'b', image: ['mr.dcm'], summary: '未见异常。' },
      { id: 'c', image: 'photo.png', summary: '未见异常。' },
      { id: 'd', image: 'missing.dcm', summary: '未见异常。' },
      { id: 'e', image: 'truncated.dcm', summary: '未见异常。' },
      { id: 'f', image: 'notes.dcm', summary: '未见异常。' },
      { id: 'g', image: 'mr.dcm', summary: '' },
      { id: 'a', image: 'mr.dcm', summary: '重复。' },
    ].map((l) => JSON.stringify(l));
    lines.splice(3, 0, '{not json');
    writeFileSync(join(dir, 'data.jsonl'), lines.join('\n') + '\n\n');
    const report = await readManifest(join(dir, 'data.jsonl'), { checkImages: true });
    expect(report.lines).toBe(9);
    expect(report.entries.map((e) => e.id)).toEqual(['a', 'b', 'c']);
    expect(report.entries[0]!.files).toHaveLength(3);
    expect(report.problems.map((p) => [p.line, p.code])).toEqual([
      [4, 'bad-json'],
      [5, 'missing-file'],
      [6, 'unreadable-image'],
      [7, 'unreadable-image'],
      [8, 'empty-summary'],
      [9, 'duplicate-id'],
    ]);
    expect(report.problems[2]!.message).toMatch(/truncated-pixel-data/);
    expect(report.entries.length + report.problems.length).toBe(report.lines); // nothing dropped uncounted
  });
});
