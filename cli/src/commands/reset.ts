// `kubesim reset`: wipe a cluster's data dir (refused while a cluster runs on it).

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { resetDataDir } from '../data-dir.ts';
import { helpText, parseFlags } from '../flags.ts';

const flagsSpec = { 'data-dir': { type: 'string', help: 'the cluster to wipe', default: '.kubesim' } } as const;

export async function reset(argv: string[]): Promise<void> {
  const { flags, help } = parseFlags(argv, flagsSpec);
  if (help) return console.log(helpText('kubesim reset [--data-dir DIR]', "Wipe a cluster's data dir: its objects, revision, certificates and tokens.", flagsSpec));
  const dir = resolve(flags['data-dir']!);
  if (!existsSync(dir)) return console.log(`nothing to reset: ${dir} does not exist`);
  resetDataDir(dir);
  console.log(`wiped ${dir}`);
}
