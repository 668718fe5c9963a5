import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BUILD_FORMAT, REPO_ROOT, esbuildVersion, type BundleInputs } from './build.ts';
import { ensureBundle, freshBundle } from './cache.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** a cache dir and one "source file", with a fake build that records that file as its only input */
function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'kubesim-bundle-'));
  dirs.push(dir);
  const cacheDir = join(dir, 'cache');
  const source = join(dir, 'source.ts');
  writeFileSync(source, 'export const a = 1;\n');
  let builds = 0;
  const build = async (outDir: string): Promise<string> => {
    builds++;
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, 'kubesim.mjs'), `export const build = ${builds};\n`);
    const { size, mtimeMs } = await import('node:fs').then((fs) => fs.statSync(source));
    const inputs: BundleInputs = { format: BUILD_FORMAT, node: process.version, esbuild: esbuildVersion(), root: REPO_ROOT, files: [[source, size, mtimeMs]] };
    writeFileSync(join(outDir, 'inputs.json'), JSON.stringify(inputs));
    return join(outDir, 'kubesim.mjs');
  };
  return { cacheDir, source, build, builds: () => builds };
}

describe('ensureBundle', () => {
  it('builds once, then reuses the bundle while its inputs are unchanged', async () => {
    const s = setup();
    const first = await ensureBundle({ cacheDir: s.cacheDir, build: s.build });
    const second = await ensureBundle({ cacheDir: s.cacheDir, build: s.build });
    expect(first.built).toBe(true);
    expect(second).toEqual({ entry: first.entry, built: false });
    expect(s.builds()).toBe(1);
    expect(freshBundle(s.cacheDir)).toBe(first.entry);
  });

  it('rebuilds when an input changes, and points `current` at the new bundle', async () => {
    const s = setup();
    const first = await ensureBundle({ cacheDir: s.cacheDir, build: s.build });
    const later = new Date(Date.now() + 5000);
    utimesSync(s.source, later, later);
    const second = await ensureBundle({ cacheDir: s.cacheDir, build: s.build });
    expect(second.built).toBe(true);
    expect(second.entry).not.toBe(first.entry);
    expect(readFileSync(join(s.cacheDir, 'current'), 'utf8').trim()).toBe(join(second.entry, '..').split('/').pop());
  });

  it('rebuilds when an input is deleted', async () => {
    const s = setup();
    await ensureBundle({ cacheDir: s.cacheDir, build: s.build });
    rmSync(s.source);
    expect(freshBundle(s.cacheDir)).toBeUndefined();
  });

  it('throws on a failed build and leaves no half-built directory behind', async () => {
    const s = setup();
    const good = await ensureBundle({ cacheDir: s.cacheDir, build: s.build });
    writeFileSync(s.source, 'export const a = 2; // longer now\n');
    const failing = async (outDir: string): Promise<string> => {
      mkdirSync(outDir, { recursive: true });
      writeFileSync(join(outDir, 'partial.mjs'), '');
      throw new Error('source.ts:1: Unexpected "export"');
    };
    await expect(ensureBundle({ cacheDir: s.cacheDir, build: failing })).rejects.toThrow('Unexpected "export"');
    expect(readdirSync(s.cacheDir).sort()).toEqual([join(good.entry, '..').split('/').pop(), 'current'].sort());
  });

  it('lets concurrent starts build at once; each gets a complete bundle', async () => {
    const s = setup();
    const refs = await Promise.all([1, 2, 3].map(() => ensureBundle({ cacheDir: s.cacheDir, build: s.build })));
    for (const r of refs) expect(readFileSync(r.entry, 'utf8')).toMatch(/^export const build = \d+;/);
    expect(freshBundle(s.cacheDir)).toBeDefined();
  });
});
