/** The summary's DICOM Basic Text SR, with a note on it: parses back with dcmjs (UTF-8 Chinese intact) and passes dciodvfy where installed. */
import dcmjs from 'dcmjs';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BASIC_TEXT_SR, basicTextSr } from '../../src/export/basicTextSr.ts';

let n = 0;
const bytes = basicTextSr({
  summary: '右肺上叶实性结节，约12mm，建议3个月后复查CT。',
  studyInstanceUid: '1.2.3.4',
  studyDate: '20260101',
  patient: { name: 'TEST^PATIENT', id: 'P1' },
  observer: 'Tuwen',
  comments: ['以下所见输入文字未提及，由图像读出：左肺上叶肺气肿'],
  now: new Date('2026-11-22T08:30:00Z'),
  newUid: () => `2.25.${++n}`,
});

describe('Basic Text SR export', () => {
  it('parses back: SOP class, the study it joins, the summary text', () => {
    const { dict } = dcmjs.data.DicomMessage.readFile(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    const ds = dcmjs.data.DicomMetaDictionary.naturalizeDataset(dict) as Record<string, unknown> & { ContentSequence: { TextValue: string }[] };
    expect(ds.SOPClassUID).toBe(BASIC_TEXT_SR);
    expect(ds.StudyInstanceUID).toBe('1.2.3.4');
    expect(ds.Modality).toBe('SR');
    // The file holds UTF-8 (dcmdump shows the Chinese); dcmjs 0.51 hands back nested UT values as
    // bytes-as-Latin-1, without applying SpecificCharacterSet, so they are re-decoded here.
    expect(ds.SpecificCharacterSet).toBe('ISO_IR 192');
    expect(Buffer.from(ds.ContentSequence[1]!.TextValue, 'latin1').toString('utf8')).toBe('右肺上叶实性结节，约12mm，建议3个月后复查CT。');
    expect(ds.VerificationFlag).toBe('UNVERIFIED');
    // The note after it, a Comment item.
    const comment = ds.ContentSequence[2] as unknown as { TextValue: string; ConceptNameCodeSequence: { CodeValue: string } | { CodeValue: string }[] };
    expect(Buffer.from(comment.TextValue, 'latin1').toString('utf8')).toBe('以下所见输入文字未提及，由图像读出：左肺上叶肺气肿');
    expect([comment.ConceptNameCodeSequence].flat()[0]!.CodeValue).toBe('121106');
    expect(ds.ContentSequence).toHaveLength(3);
  });

  it.skipIf(!existsSync('/usr/bin/dciodvfy'))('passes the DICOM validator (dciodvfy) without errors', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tuwen-sr-')), 'sr.dcm');
    writeFileSync(file, bytes);
    let report = '';
    try {
      report = execFileSync('dciodvfy', [file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      report = String((err as { stderr?: string }).stderr ?? err);
    }
    const errors = report.split('\n').filter((l) => l.startsWith('Error'));
    expect(errors).toEqual([]);
  });
});
