// The bundle's entry point (built into kubesim.mjs by build.ts). Run directly,
// `node kubesim.mjs <command> ...` runs the command: that is how `kubesim up` starts each
// component process. Imported, it only exports `main` and `thisBundleIsFresh`: that is
// how cli/bin/kubesim.mjs runs a command once it knows the bundle matches the sources.

import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { main } from '../cli.ts';

export { main };
export { thisBundleIsFresh } from './cache.ts';

function isMainModule(): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMainModule()) void main(process.argv.slice(2));
