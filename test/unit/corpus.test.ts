/** The synthetic corpus: determinism, rendering ground truth, rules, fact extraction, tokenizer, DICOM output. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalFact, extractFacts, findingDescribed, sizeIn } from '../../src/corpus/factExtractor.ts';
import { lobeAt, level } from '../../src/corpus/phantom.ts';
import { Random } from '../../src/corpus/random.ts';
import { pixelToMm, RESCALE_INTERCEPT } from '../../src/corpus/render.ts';
import { adviceFor, summaryFacts } from '../../src/corpus/rules.ts';
import type { FindingType } from '../../src/corpus/schema.ts';
import { halvedStudy } from '../../src/corpus/samples.ts';
import { generateStudy } from '../../src/corpus/study.ts';
import { writeCorpus } from '../../src/corpus/writeCorpus.ts';
import { openStudy } from '../../src/intake/intake.ts';
import { nodeIntakeEnv } from '../../src/platform/node.ts';
import { buildTokenizerJson, loadTokenizer } from '../../src/text/tokenizer.ts';

describe('random streams', () => {
  it('same seed and keys → same numbers; swapped keys → different', () => {
    const a = Random.derive(7, 1);
    const b = Random.derive(7, 1);
    expect([a.uint32(), a.uint32()]).toEqual([b.uint32(), b.uint32()]);
    expect(Random.derive(7, 1).uint32()).not.toBe(Random.derive(1, 7).uint32());
  });
});

describe('rules (docs/corpus.md)', () => {
  const advice = (type: FindingType, sizeMm: number, margin: '光滑' | '分叶' | '毛刺' = '光滑') => adviceFor({ type, sizeMm, margin });
  it('solid nodules: size bands, and spiculation above 8 mm', () => {
    expect(advice('solid-nodule', 12, '毛刺')).toBe('pet-or-biopsy');
    expect(advice('solid-nodule', 12, '光滑')).toBe('follow-up-3m');
    expect(advice('solid-nodule', 8, '毛刺')).toBe('follow-up-6-12m');
    expect(advice('solid-nodule', 6)).toBe('follow-up-6-12m');
    expect(advice('solid-nodule', 5, '毛刺')).toBe('annual-ct');
  });
  it('ground-glass and part-solid nodules', () => {
    expect(advice('ground-glass-nodule', 5)).toBe('annual-ct');
    expect(advice('ground-glass-nodule', 20, '分叶')).toBe('follow-up-6-12m');
    expect(advice('part-solid-nodule', 7)).toBe('follow-up-3m');
    expect(advice('part-solid-nodule', 7, '毛刺')).toBe('pet-or-biopsy');
    expect(advice('part-solid-nodule', 9)).toBe('pet-or-biopsy');
  });
  it('the other findings', () => {
    expect(advice('mass', 40, '分叶')).toBe('enhanced-ct-biopsy');
    expect(advice('pleural-effusion', 19)).toBe('ultrasound-follow-up');
    expect(advice('pleural-effusion', 20)).toBe('drainage-workup');
    expect(advice('calcification', 5)).toBe('none');
    expect(advice('cavity', 20)).toBe('sputum-tb-workup');
    expect(advice('consolidation', 30)).toBe('anti-infection-recheck');
    expect(advice('emphysema', 40)).toBe('lung-function');
  });
  it('a normal study states one normal fact; findings are listed most urgent first', () => {
    expect(summaryFacts([])).toEqual([{ finding: 'normal', advice: 'none' }]);
    const base = { density: '实性' as const, count: 1, meanHu: 0, boxes: [] };
    const facts = summaryFacts([
      { ...base, type: 'calcification', location: '右肺上叶', sizeMm: 5, margin: '光滑' },
      { ...base, type: 'solid-nodule', location: '左肺下叶', sizeMm: 12, margin: '毛刺' },
    ]);
    expect(facts.map((f) => f.advice)).toEqual(['pet-or-biopsy', 'none']);
    expect(facts[0]).toEqual({ finding: 'solid-nodule', location: '左肺下叶', sizeMm: 12, margin: '毛刺', advice: 'pet-or-biopsy' });
  });
});

describe('fact extractor', () => {
  it('reads sizes in mm and cm', () => {
    expect(sizeIn('大小约12mm')).toBe(12);
    expect(sizeIn('约1.2cm')).toBe(12);
    expect(sizeIn('直径约 8 毫米')).toBe(8);
    expect(sizeIn('共2枚')).toBeUndefined();
  });
  it('reads a hand-written impression', () => {
    expect(extractFacts('1、右上肺实性结节，约1.5cm，边缘见毛刺，建议进一步行PET-CT或穿刺活检。2、左侧少量胸腔积液，深约12mm；建议超声随访。')).toEqual([
      { finding: 'solid-nodule', location: '右肺上叶', sizeMm: 15, margin: '毛刺', advice: 'pet-or-biopsy' },
      { finding: 'pleural-effusion', location: '左侧胸腔', sizeMm: 12, advice: 'ultrasound-follow-up' },
    ]);
    expect(extractFacts('双肺未见明显异常。')).toEqual([{ finding: 'normal', advice: 'none' }]);
  });
  it('reads the finding a findings-text sentence describes, the longest phrase first', () => {
    expect(findingDescribed('左肺见一个混杂磨玻璃密度结节，大小约12mm，内见软组织密度成分')).toBe('part-solid-nodule');
    expect(findingDescribed('右肺下叶内见一枚淡薄磨玻璃影，大小约25mm')).toBe('ground-glass-nodule');
    expect(findingDescribed('肺野内透亮度增高，可见多发肺大泡，累及范围约30mm')).toBe('emphysema');
    expect(findingDescribed('右侧胸腔见弧形液性密度影，最大深度约18mm')).toBe('pleural-effusion');
    expect(findingDescribed('右肺见一枚部分实性结节影')).toBe('part-solid-nodule');
    expect(findingDescribed('左肺上叶见一类圆形实性结节影')).toBe('solid-nodule');
    expect(findingDescribed('气管及主支气管通畅')).toBeUndefined();
  });
  it('every one-finding study\'s findings sentence reads as its finding, over 300 studies', () => {
    let read = 0;
    for (let i = 0; i < 300; i++) {
      const s = generateStudy(12, i, { size: 48 });
      if (s.findings.length !== 1 || s.omission?.what === 'finding') continue;
      const sentence = s.text.split('。')[0]!; // the findings' sentences come before the distractors
      expect(findingDescribed(sentence), sentence).toBe(s.findings[0]!.type);
      read++;
    }
    expect(read).toBeGreaterThan(60);
  });
  it('round trip on 1,000 generated studies: the reference summary yields exactly the ground-truth facts', () => {
    let findings = 0;
    for (let i = 0; i < 1000; i++) {
      const s = generateStudy(11, i, { size: 48 });
      findings += s.findings.length;
      expect(extractFacts(s.summary), s.summary).toEqual(s.facts.map(canonicalFact));
    }
    expect(findings).toBeGreaterThan(800); // the round trip covered real findings, not only normal studies
  });
});

describe('rendered studies', () => {
  it('same seed → identical volume and texts; another seed → another study', () => {
    const a = generateStudy(5, 3, { size: 64 });
    const b = generateStudy(5, 3, { size: 64 });
    const c = generateStudy(6, 3, { size: 64 });
    expect(Buffer.from(a.stored.buffer).equals(Buffer.from(b.stored.buffer))).toBe(true);
    expect([a.text, a.summary]).toEqual([b.text, b.summary]);
    expect(Buffer.from(a.stored.buffer).equals(Buffer.from(c.stored.buffer))).toBe(false);
  });

  /** Mean HU (after noise) over each finding's labelled voxels, with the range its tissue implies. */
  const HU_RANGE: Record<FindingType, [number, number]> = {
    'solid-nodule': [0, 80],
    mass: [0, 80],
    'ground-glass-nodule': [-700, -450],
    'part-solid-nodule': [-620, 40],
    consolidation: [-10, 70],
    'pleural-effusion': [-20, 50],
    calcification: [550, 900],
    cavity: [-950, 20],
    emphysema: [-1000, -900],
  };
  it('the mean HU inside each lesion matches its type, over 60 studies', () => {
    const seen = new Set<FindingType>();
    for (let i = 0; i < 60; i++) {
      const s = generateStudy(21, i, { size: 128 });
      s.findings.forEach((f, k) => {
        let sum = 0;
        let count = 0;
        s.labels.forEach((l, v) => {
          if (l === k + 1) {
            sum += s.stored[v]! + RESCALE_INTERCEPT;
            count++;
          }
        });
        if (count < 5) return; // overwritten by a later finding almost entirely
        const [lo, hi] = HU_RANGE[f.type];
        expect(sum / count, `${f.type} in study ${i}`).toBeGreaterThanOrEqual(lo);
        expect(sum / count, `${f.type} in study ${i}`).toBeLessThanOrEqual(hi);
        seen.add(f.type);
      });
    }
    expect(seen.size).toBeGreaterThanOrEqual(8);
  });

  it('each lesion lies in the lobe its ground truth names', () => {
    for (let i = 0; i < 40; i++) {
      const s = generateStudy(31, i, { size: 96 });
      for (const f of s.findings) {
        if (f.location.endsWith('胸腔')) continue;
        const p = s.phantom;
        const mid = f.boxes[Math.floor(f.boxes.length / 2)]!;
        const toMm = (px: number) => -p.fovMm / 2 + (px + 0.5) * p.spacingMm;
        const [x0, y0, x1, y1] = mid.box;
        expect(lobeAt(p, toMm((x0 + x1) / 2), toMm((y0 + y1) / 2), level(p, p.sliceZ[mid.slice]!)), `${f.type} study ${i}`).toBe(f.location);
      }
    }
  });

  it('texts omit facts in about the stated share of studies', () => {
    let withFindings = 0;
    let omitted = 0;
    for (let i = 0; i < 400; i++) {
      const s = generateStudy(41, i, { size: 32 });
      if (s.findings.length > 0) withFindings++;
      if (s.omission) omitted++;
    }
    expect(omitted / withFindings).toBeGreaterThan(0.27);
    expect(omitted / withFindings).toBeLessThan(0.43);
  });
});

describe('halvedStudy (the demo samples)', () => {
  it('averages each 2 × 2 block, keeps a block\'s label, halves the boxes, and keeps the field of view', () => {
    const s = generateStudy(13, 3, { size: 16 });
    expect(s.findings.length).toBe(2); // labels and boxes to halve
    const h = halvedStudy(s);
    const n = 16;
    expect(h.phantom.size).toBe(8);
    expect(h.phantom.spacingMm).toBe(2 * s.phantom.spacingMm);
    expect(h.stored.length).toBe(s.phantom.sliceZ.length * 64);
    // Slice 1, block (row 2, column 3): the original pixels (4, 6), (4, 7), (5, 6), (5, 7).
    const o = (y: number, x: number) => s.stored[n * n + y * n + x]!;
    expect(h.stored[64 + 2 * 8 + 3]).toBe(Math.round((o(4, 6) + o(4, 7) + o(5, 6) + o(5, 7)) / 4));
    // A halved pixel's centre lies between the two original pixels it covers.
    expect(pixelToMm(h.phantom, 0)).toBeCloseTo((pixelToMm(s.phantom, 0) + pixelToMm(s.phantom, 1)) / 2, 9);
    for (let v = 0; v < h.labels.length; v++) {
      const [k, y, x] = [Math.floor(v / 64), Math.floor((v % 64) / 8), v % 8];
      const block = [0, 1, n, n + 1].map((d) => s.labels[k * n * n + 2 * y * n + 2 * x + d]!);
      expect(h.labels[v]).toBe(Math.max(...block));
    }
    h.findings.forEach((f, i) => f.boxes.forEach((b, j) => expect(b.box).toEqual(s.findings[i]!.boxes[j]!.box.map((v) => Math.floor(v / 2)))));
    expect(h.text).toBe(s.text);
  });
});

describe('tokenizer', () => {
  it('round-trips every text of 200 studies and keeps unseen numbers', () => {
    const studies = Array.from({ length: 200 }, (_, i) => generateStudy(51, i, { size: 32 }));
    const tok = loadTokenizer(buildTokenizerJson(studies.slice(0, 150).flatMap((s) => [s.text, s.clinical, s.summary])));
    for (const s of studies) for (const text of [s.text, s.summary, s.clinical]) expect(tok.decode(tok.encode(text))).toBe(text);
    expect(tok.tokens(tok.encode('约137mm'))).toEqual(['约', '1', '##3', '##7', '##mm']);
  });
});

describe('corpus on disk', () => {
  it('same seed → byte-identical files; DICOM loads in Tuwen intake (and pydicom if installed)', async () => {
    const a = mkdtempSync(join(tmpdir(), 'tuwen-corpus-'));
    const b = mkdtempSync(join(tmpdir(), 'tuwen-corpus-'));
    await writeCorpus({ seed: 3, n: 4, out: a, size: 64 });
    await writeCorpus({ seed: 3, n: 4, out: b, size: 64 });
    const list = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? list(join(dir, e.name)).map((f) => `${e.name}/${f}`) : [e.name]));
    const files = list(a).sort();
    expect(files).toEqual(list(b).sort());
    expect(files).toContain('manifest.train.jsonl');
    for (const f of files) expect(readFileSync(join(a, f)).equals(readFileSync(join(b, f))), f).toBe(true);

    const series = join(a, 'studies', readdirSync(join(a, 'studies'))[0]!);
    const inputs = readdirSync(series).map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(series, name))) }));
    const volume = await openStudy(inputs, nodeIntakeEnv());
    expect(volume.header.modality).toBe('CT');
    expect(volume.header.intercept).toBe(-1024);
    expect(volume.depth).toBe(inputs.length);
    expect(volume.stats.min).toBeGreaterThanOrEqual(-1024);
    if (existsSync('/usr/bin/python3')) {
      const script = 'import sys,glob\ntry:\n import pydicom\nexcept ImportError:\n print("absent"); sys.exit(0)\nfs=sorted(glob.glob(sys.argv[1]+"/*.dcm"))\nd=[pydicom.dcmread(f) for f in fs]\nprint(len(d), d[0].pixel_array.shape, d[0].SOPClassUID.name)';
      const out = execFileSync('/usr/bin/python3', ['-c', script, series]).toString().trim();
      if (out !== 'absent') expect(out).toBe(`${inputs.length} (64, 64) CT Image Storage`);
    }
  });
});
