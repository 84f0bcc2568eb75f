#!/usr/bin/env node
// The `tuwen` command: runs the TypeScript CLI through tsx, so the CLI and the page share one source.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
