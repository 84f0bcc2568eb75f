/** Training copies whose text omits a lobe or a whole finding: one per eligible study, the omission really made, the rest kept. */
import { describe, expect, it } from 'vitest';
import { generateStudy, studyGrid } from '../../src/corpus/study.ts';
import type { CachedStudy } from '../../src/training/studyCache.ts';
import { omittedFindingCopies, omittedLobeCopies } from '../../src/training/omittedCopies.ts';

const studies: CachedStudy[] = Array.from({ length: 24 }, (_, i) => {
  const s = generateStudy(31, i, { size: 64 });
  return { id: s.id, text: s.text, clinical: s.clinical, summary: s.summary, facts: s.facts, findings: s.findings, volume: studyGrid(s), category: 0, features: { regions: new Float32Array([i]), regionCount: 1, width: 1 } };
});

// A finding's sentence names its place once (a lobe, or 左侧胸腔 / 右侧胸腔 for an effusion); the distractors name none.
const placesWritten = (text: string, findings: CachedStudy['findings']) => [...new Set(findings.map((f) => f.location))].reduce((n, l) => n + text.split(l).length - 1, 0);

describe('omittedLobeCopies', () => {
  it('copies each study with a lung finding once, with one lobe left out of its text', () => {
    const copies = omittedLobeCopies(studies, 1);
    const withLung = studies.filter((s) => s.findings.some((f) => !f.location.endsWith('胸腔')));
    expect(withLung.length).toBeGreaterThan(5);
    expect(copies.map((c) => c.id)).toEqual(withLung.map((s) => s.id));
    copies.forEach((c, i) => {
      const original = withLung[i]!;
      expect({ ...c, text: '' }).toEqual({ ...original, text: '' });
      // Each lung finding's sentence names its lobe ("右肺上叶…") unless omitted: in the copy, all but one do.
      const lung = original.findings.filter((f) => !f.location.endsWith('胸腔'));
      expect(placesWritten(c.text, lung)).toBe(lung.length - 1);
      expect(c.text).not.toEqual(original.text);
    });
    // Seeded: the same copies again.
    expect(omittedLobeCopies(studies, 1)).toEqual(copies);
  });
});

describe('omittedFindingCopies', () => {
  it('copies each study with a finding once, with one finding left out of its text', () => {
    const copies = omittedFindingCopies(studies, 1);
    const withFinding = studies.filter((s) => s.findings.length > 0);
    expect(withFinding.length).toBeGreaterThan(5);
    expect(withFinding.length).toBeLessThan(studies.length);
    expect(copies.map((c) => c.id)).toEqual(withFinding.map((s) => s.id));
    copies.forEach((c, i) => {
      const original = withFinding[i]!;
      expect({ ...c, text: '' }).toEqual({ ...original, text: '' });
      expect(c.text).not.toEqual(original.text);
      // Each finding's sentence names its place once: the copy's text has one finding's sentence fewer than the study has findings.
      expect(placesWritten(c.text, original.findings)).toBe(original.findings.length - 1);
      if (original.findings.length === 1) expect(c.text).toMatch(/^双肺(纹理|野)清晰/);
    });
    expect(omittedFindingCopies(studies, 1)).toEqual(copies);
    expect(omittedFindingCopies(studies, 2)).not.toEqual(copies);
  });

  it('with types given, copies only studies with such a finding, and leaves out one of those', () => {
    const types = ['pleural-effusion', 'mass', 'consolidation'] as const;
    const copies = omittedFindingCopies(studies, 1, types);
    const eligible = studies.filter((s) => s.findings.some((f) => (types as readonly string[]).includes(f.type)));
    expect(eligible.length).toBeGreaterThan(2);
    expect(copies.map((c) => c.id)).toEqual(eligible.map((s) => s.id));
    copies.forEach((c, i) => {
      const { findings } = eligible[i]!;
      // One sentence fewer, and every finding of another type keeps its own: the one left out is of a chosen type.
      expect(placesWritten(c.text, findings)).toBe(findings.length - 1);
      const others = findings.filter((f) => !(types as readonly string[]).includes(f.type));
      for (const f of others) expect(c.text.split(f.location).length - 1).toBeGreaterThanOrEqual(others.filter((g) => g.location === f.location).length);
    });
  });
});
