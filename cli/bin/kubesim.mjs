#!/usr/bin/env node
// The `kubesim` command (`pnpm start` is `kubesim up`, `pnpm kubesim <command>` the others).
// Plain JavaScript, so it starts without tsx: it runs the command from the cached bundle
// of cli/src (node_modules/.cache/kubesim/bundle, see cli/src/bundle/cache.ts) when that
// still matches the sources; else it loads tsx, rebuilds the bundle and runs that; and if
// bundling fails (or KUBESIM_NO_BUNDLE is set) it runs the TypeScript sources through tsx.

import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const cacheDir = new URL('../../node_modules/.cache/kubesim/bundle/', import.meta.url);

async function currentBundle() {
  try {
    const id = readFileSync(new URL('current', cacheDir), 'utf8').trim();
    const cli = await import(new URL(`${id}/kubesim.mjs`, cacheDir).href);
    return cli.thisBundleIsFresh() ? cli : undefined;
  } catch {
    return undefined;
  }
}

async function rebuiltBundle() {
  const { register } = await import('tsx/esm/api');
  const unregister = register();
  try {
    const { ensureBundle } = await import('../src/bundle/cache.ts');
    const { entry } = await ensureBundle();
    await unregister();
    return await import(pathToFileURL(entry).href);
  } catch (err) {
    const why = (err instanceof Error ? err.message : String(err)).split('\n')[0];
    console.error(`kubesim: running from source, start-up is slower (could not bundle: ${why})`);
    await unregister();
    return undefined;
  }
}

async function fromSource() {
  const { register } = await import('tsx/esm/api');
  register();
  return import('../src/cli.ts');
}

const bundled = process.env.KUBESIM_NO_BUNDLE ? undefined : ((await currentBundle()) ?? (await rebuiltBundle()));
const cli = bundled ?? (await fromSource());
void cli.main(process.argv.slice(2));
