// `pnpm bench <name>` runs test/bench/<name>.ts, which prints its own figures.
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const name = process.argv[2];
const available = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
  .map((f) => f.replace(/\.ts$/, ''));
if (!name || !existsSync(join(here, `${name}.ts`))) {
  console.error(`usage: pnpm bench <name>   (available: ${available.join(', ') || 'none yet'})`);
  process.exit(2);
}
process.argv.splice(2, 1);
await import(pathToFileURL(join(here, `${name}.ts`)).href);
