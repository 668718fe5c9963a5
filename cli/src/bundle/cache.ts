// The bundle cache, in node_modules/.cache/kubesim/bundle/: one directory per built bundle
// and a `current` file naming the newest. ensureBundle() returns the current bundle's entry
// when every file that went into it is unchanged (sizes and mtimes; ~1,000 stats), else
// builds a new one. A build goes to a fresh directory and `current` is replaced by rename,
// so processes starting at the same time never see half a bundle; two racing builds both
// succeed and the last one wins. Older bundles are removed after a day (a running cluster
// may still restart a component from the one it started with).

import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT, buildBundle, inputsUnchanged, type BundleInputs } from './build.ts';
import { BUNDLE_ENTRY, runningBundled } from './launch.ts';

export const DEFAULT_CACHE_DIR = join(REPO_ROOT, 'node_modules', '.cache', 'kubesim', 'bundle');
const KEEP_OLD_MS = 24 * 3600 * 1000;

export interface EnsureBundleOptions {
  cacheDir?: string;
  root?: string;
  /** how to build (tests replace it) */
  build?: (outDir: string, root: string) => Promise<string>;
}

export interface BundleRef {
  /** absolute path of kubesim.mjs */
  entry: string;
  /** true when this call built it */
  built: boolean;
}

function bundleDirIsFresh(dir: string): boolean {
  try {
    const inputs = JSON.parse(readFileSync(join(dir, 'inputs.json'), 'utf8')) as BundleInputs;
    statSync(join(dir, BUNDLE_ENTRY));
    return inputsUnchanged(inputs);
  } catch {
    return false;
  }
}

/** run from a bundle: whether that bundle still matches the sources it was built from */
export function thisBundleIsFresh(): boolean {
  return runningBundled && bundleDirIsFresh(dirname(fileURLToPath(import.meta.url)));
}

/** the current bundle's entry if it is still fresh, else undefined */
export function freshBundle(cacheDir = DEFAULT_CACHE_DIR): string | undefined {
  try {
    const id = readFileSync(join(cacheDir, 'current'), 'utf8').trim();
    if (!/^[\w.-]+$/.test(id)) return undefined;
    const dir = join(cacheDir, id);
    return bundleDirIsFresh(dir) ? join(dir, BUNDLE_ENTRY) : undefined;
  } catch {
    return undefined;
  }
}

/** the current bundle if it is fresh, else a new one built from `root` */
export async function ensureBundle(opts: EnsureBundleOptions = {}): Promise<BundleRef> {
  const cacheDir = opts.cacheDir ?? DEFAULT_CACHE_DIR;
  const fresh = freshBundle(cacheDir);
  if (fresh) return { entry: fresh, built: false };

  mkdirSync(cacheDir, { recursive: true });
  const id = `${Date.now().toString(36)}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const dir = join(cacheDir, id);
  try {
    await (opts.build ?? buildBundle)(dir, opts.root ?? REPO_ROOT);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const tmp = join(cacheDir, `current.${id}.tmp`);
  writeFileSync(tmp, `${id}\n`);
  renameSync(tmp, join(cacheDir, 'current'));
  removeOldBundles(cacheDir, id);
  return { entry: join(dir, BUNDLE_ENTRY), built: true };
}

function removeOldBundles(cacheDir: string, keep: string): void {
  const now = Date.now();
  for (const name of readdirSync(cacheDir)) {
    if (name === keep || name === 'current' || name.endsWith('.tmp')) continue;
    try {
      const path = join(cacheDir, name);
      if (now - statSync(path).mtimeMs > KEEP_OLD_MS) rmSync(path, { recursive: true, force: true });
    } catch {
      // another process removed it first
    }
  }
}
