import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, buildBundle, inputsUnchanged, type BundleInputs } from './build.ts';

describe('buildBundle', () => {
  let dir: string;
  let entry: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kubesim-build-'));
    entry = await buildBundle(dir);
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = (...args: string[]) => spawnSync(process.execPath, [entry, ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, NODE_OPTIONS: '' } });

  it('writes an entry that runs the kubesim command under plain node', () => {
    const help = run('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('usage: kubesim <command>');
    const upHelp = run('up', '--help');
    expect(upHelp.stdout).toContain('--single-process');
  });

  it('keeps usage errors one line with exit code 2, as from source', () => {
    const r = run('up', '--nodes', 'many');
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe('kubesim: --nodes must be an integer between 0 and 100000, got "many"');
  });

  it('splits each component into its own chunk beside the entry', () => {
    const files = readdirSync(dir);
    expect(files).toContain('kubesim.mjs');
    expect(files.filter((f) => f.endsWith('.mjs')).length).toBeGreaterThan(5);
    expect(files.every((f) => !f.includes('/'))).toBe(true);
  });

  it('writes code in which no character needs two bytes in V8 (comments escape theirs)', () => {
    for (const f of readdirSync(dir).filter((f) => f.endsWith('.mjs'))) {
      expect(/[^\u0000-\u00ff]/.test(readFileSync(join(dir, f), 'utf8')), f).toBe(false);
    }
  });

  it('imports native packages from where pnpm installed them instead of bundling them', () => {
    const code = readdirSync(dir).filter((f) => f.endsWith('.mjs')).map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
    expect(code).toMatch(/from "file:\/\/\/[^"]*\/classic-level\/[^"]*"/);
  });

  it('records every source file it read, so a change to one is noticed', () => {
    const inputs = JSON.parse(readFileSync(join(dir, 'inputs.json'), 'utf8')) as BundleInputs;
    const paths = inputs.files.map(([p]) => p);
    for (const f of ['cli/src/cli.ts', 'apiserver/src/index.ts', 'scheduler/src/index.ts', 'pnpm-lock.yaml']) expect(paths).toContain(join(REPO_ROOT, f));
    expect(inputsUnchanged(inputs)).toBe(true);
    expect(inputsUnchanged({ ...inputs, files: [...inputs.files, [join(dir, 'gone.ts'), 1, 1]] })).toBe(false);
    expect(inputsUnchanged({ ...inputs, node: 'v0.0.1' })).toBe(false);
  });
});
