// Builds the whole `kubesim` command into one ESM bundle with esbuild, so a process
// starts by reading a handful of JavaScript files instead of resolving and compiling
// hundreds of TypeScript files through tsx. Call `buildBundle(outDir)`; it writes
// `kubesim.mjs` (the entry: `node kubesim.mjs <command> ...`), its code-split chunks
// (each component's package is its own chunk, loaded only by the process that runs it)
// and `inputs.json`, every file that went in with its size and mtime, so a later start can
// tell whether the bundle is still fresh (see cache.ts). Native packages (classic-level)
// stay external and are imported by absolute path, so the bundle works from any directory.
// The written code holds no character above U+00FF (one-byte-source.ts), so V8 keeps each
// loaded file's source at one byte per character.

import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BUNDLE_ENTRY } from './launch.ts';
import { oneByteSource } from './one-byte-source.ts';

/** the repository root (this file is cli/src/bundle/build.ts) */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** bump when the build options change, so older bundles are rebuilt */
export const BUILD_FORMAT = 2;
/** packages with native code: never bundled, imported from where pnpm installed them */
const NATIVE = ['classic-level'];
/** files whose change means node_modules may have changed under the same paths */
const INSTALL_STAMPS = ['pnpm-lock.yaml', 'node_modules/.modules.yaml'];

export interface BundleInputs {
  format: number;
  node: string;
  esbuild: string;
  root: string;
  /** [absolute path, size, mtimeMs] of every source file in the bundle and the install stamps */
  files: [string, number, number][];
}

function stamp(path: string): [string, number, number] | undefined {
  try {
    const s = statSync(path);
    return [path, s.size, s.mtimeMs];
  } catch {
    return undefined;
  }
}

/** what a bundle built now from the same tree would record, given the files it read */
export function inputsFor(paths: Iterable<string>, esbuildVersion: string, root = REPO_ROOT): BundleInputs {
  const files: [string, number, number][] = [];
  for (const p of new Set([...paths, ...INSTALL_STAMPS.map((s) => join(root, s))])) {
    const s = stamp(p);
    if (s) files.push(s);
  }
  return { format: BUILD_FORMAT, node: process.version, esbuild: esbuildVersion, root, files };
}

/** esbuild's version as installed for the cli package under `root` (cheaper than loading esbuild) */
export function esbuildVersion(root = REPO_ROOT): string {
  const require = createRequire(join(root, 'cli', 'package.json'));
  return (JSON.parse(readFileSync(require.resolve('esbuild/package.json'), 'utf8')) as { version: string }).version;
}

/** true when the same node and esbuild would build it and every recorded file still has its size and mtime */
export function inputsUnchanged(recorded: BundleInputs): boolean {
  if (recorded.format !== BUILD_FORMAT || recorded.node !== process.version || recorded.esbuild !== esbuildVersion(recorded.root)) return false;
  for (const [path, size, mtimeMs] of recorded.files) {
    const s = stamp(path);
    if (!s || s[1] !== size || s[2] !== mtimeMs) return false;
  }
  return true;
}

/** bundle cli/src/bundle/entry.ts into outDir; returns the entry's path */
export async function buildBundle(outDir: string, root = REPO_ROOT): Promise<string> {
  const esbuild = await import('esbuild');
  const entry = join(root, 'cli', 'src', 'bundle', 'entry.ts');
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: { kubesim: entry },
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: `node${process.versions.node}`,
    // Class and function names stay as written: errors are told apart by name, and stack
    // traces and logs read like the source.
    keepNames: true,
    sourcemap: 'linked',
    metafile: true,
    external: ['esbuild'],
    logLevel: 'silent',
    // CommonJS packages inside an ESM bundle still call require() for node builtins.
    banner: { js: "import { createRequire as __kubesimRequire } from 'node:module'; const require = __kubesimRequire(import.meta.url);" },
    plugins: [
      {
        name: 'kubesim-native-external',
        setup(build) {
          const filter = new RegExp(`^(${NATIVE.map((n) => n.replace(/[-/\\^$*+?.()|[\]{}]/g, '\\$&')).join('|')})(/.*)?$`);
          build.onResolve({ filter }, (args) => ({
            path: pathToFileURL(createRequire(args.importer).resolve(args.path)).href,
            external: true,
          }));
        },
      },
    ],
  }).catch((err: unknown) => {
    throw buildFailure(err);
  });
  for (const out of Object.keys(result.metafile.outputs)) {
    if (!out.endsWith('.mjs')) continue;
    const path = resolve(root, out);
    const text = readFileSync(path, 'utf8');
    const oneByte = oneByteSource(text);
    if (oneByte !== text) writeFileSync(path, oneByte);
  }
  const inputs = Object.keys(result.metafile.inputs).map((p) => resolve(root, p));
  writeFileSync(join(outDir, 'inputs.json'), JSON.stringify(inputsFor(inputs, esbuild.version, root)));
  return join(outDir, BUNDLE_ENTRY);
}

/** esbuild's failure as one line: the first error and where it is */
function buildFailure(err: unknown): Error {
  const first = (err as { errors?: { text: string; location: { file: string; line: number } | null }[] }).errors?.[0];
  if (!first) return err instanceof Error ? err : new Error(String(err));
  return new Error(`${first.location ? `${first.location.file}:${first.location.line}: ` : ''}${first.text}`);
}
