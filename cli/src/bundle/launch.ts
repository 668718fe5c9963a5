// How `kubesim up` starts a component as its own OS process: from the bundle,
// `node <bundle>/kubesim.mjs <component> ...`, which starts in a fraction of a second;
// else from source, `node --import tsx cli/src/main.ts <component> ...`. A `up` running
// from a bundle uses that same bundle (it finds it by its own location: build.ts writes
// every chunk beside the entry). A `up` running from source asks the cache for a fresh
// bundle, building one if needed. KUBESIM_NO_BUNDLE=1 keeps everything on the sources.

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** the bundle's entry file name, beside every chunk */
export const BUNDLE_ENTRY = 'kubesim.mjs';

const here = fileURLToPath(import.meta.url);

/** true when this code was loaded from a bundle rather than from cli/src */
export const runningBundled = !here.endsWith('.ts');

/** node's arguments to run `kubesim <command> ...args` from source */
export function sourceArgs(command: string, args: readonly string[]): string[] {
  return ['--import', import.meta.resolve('tsx'), join(dirname(here), '..', 'main.ts'), command, ...args];
}

/**
 * How to run `kubesim <command>` in a child process: the bundle's entry, or
 * `--import tsx main.ts` when KUBESIM_NO_BUNDLE is set or bundling failed (`why`).
 */
export async function kubesimCommand(): Promise<{ args: (command: string, args: readonly string[]) => string[]; why?: string }> {
  if (runningBundled) {
    const entry = join(dirname(here), BUNDLE_ENTRY);
    return { args: (command, args) => [entry, command, ...args] };
  }
  if (process.env['KUBESIM_NO_BUNDLE']) return { args: sourceArgs };
  try {
    const { entry } = await (await import('./cache.ts')).ensureBundle();
    return { args: (command, args) => [entry, command, ...args] };
  } catch (err) {
    return { args: sourceArgs, why: (err instanceof Error ? err.message : String(err)).split('\n')[0]! };
  }
}
