// `npm run contract`: bundles the contract run (test/contract/main.ts) with its packages left as
// they are in node_modules, then runs it with the command line it was given.

import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const entry = process.env.POSTFLIGHT_CONTRACT_ENTRY ?? 'test/contract/main.ts';
const out = resolve('.postflight/contract/contract.mjs');
mkdirSync(resolve('.postflight/contract'), { recursive: true });
await build({
  entryPoints: [entry],
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  outfile: out,
  logLevel: 'warning',
});
await import(pathToFileURL(out).href);
