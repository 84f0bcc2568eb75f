/**
 * Vite plugin: builds src/sw/serviceWorker.ts to dist/sw.js and, once the whole build (public/ included)
 * is written, fills in its manifest: every file in dist and a version hashed from their contents.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Plugin } from 'vite';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

export function tuwenServiceWorker(): Plugin {
  let outDir = 'dist';
  return {
    name: 'tuwen-service-worker',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    closeBundle() {
      const sw = join(outDir, 'sw.js');
      const listed = files(outDir)
        .map((f) => relative(outDir, f).split('\\').join('/'))
        .filter((f) => f !== 'sw.js' && !f.endsWith('.map'))
        .sort();
      const hash = createHash('sha256');
      for (const f of listed) hash.update(f).update(readFileSync(join(outDir, f)));
      const manifest = JSON.stringify({ version: hash.digest('hex').slice(0, 16), files: listed });
      const source = readFileSync(sw, 'utf8');
      const filled = source.replace(/(["'`])__TUWEN_SW_MANIFEST__\1/, JSON.stringify(manifest)); // the minifier may pick any quote
      if (filled === source) throw new Error('sw.js: the manifest placeholder was not found');
      writeFileSync(sw, filled);
    },
  };
}
