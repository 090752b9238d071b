// Bundles the CLI into one file (dist/postflight.mjs) with every sql/ statement inline, so the
// Databricks job ships a single JavaScript file; the benchmarks go to dist/bench.mjs. DuckDB stays
// external: it is a native module used only by the embedded warehouse. So do the SQL driver's
// optional native parts (LZ4 decoding, the experimental kernel backend): the driver loads them on
// demand and works without them.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build } from 'esbuild';

function sqlFiles(dir, root = dir, out = {}) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sqlFiles(p, root, out);
    else if (name.endsWith('.sql'))
      out[
        relative(root, p)
          .replace(/\\/g, '/')
          .replace(/\.sql$/, '')
      ] = readFileSync(p, 'utf8');
  }
  return out;
}

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  external: ['@duckdb/node-api', '@duckdb/node-bindings*', 'lz4-napi', '@databricks/databricks-sql-kernel-*', '*.node'],
  define: { __POSTFLIGHT_SQL__: JSON.stringify(sqlFiles('sql')) },
  // CommonJS dependencies (the SQL driver's) expect require, __filename and __dirname.
  banner: {
    js: "import { createRequire as __pfCreateRequire } from 'node:module'; import { fileURLToPath as __pfFileUrl } from 'node:url'; import { dirname as __pfDirname } from 'node:path'; const require = __pfCreateRequire(import.meta.url); const __filename = __pfFileUrl(import.meta.url); const __dirname = __pfDirname(__filename);",
  },
  logLevel: 'warning',
};

await build({ ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/postflight.mjs' });
await build({ ...common, entryPoints: ['src/bench/main.ts'], outfile: 'dist/bench.mjs' });
