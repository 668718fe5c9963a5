// A small command-line layer over node:util's parseArgs: each command declares its flags
// with a help line; `--help` prints them; unknown flags and bad values are a UsageError,
// printed as one line without a stack trace.

import { parseArgs } from 'node:util';

export class UsageError extends Error {}

export interface FlagSpec {
  type: 'string' | 'boolean';
  short?: string;
  help: string;
  default?: string | boolean;
  multiple?: boolean;
}

export type FlagSpecs = Record<string, FlagSpec>;

export type Flags<S extends FlagSpecs> = {
  [K in keyof S]: S[K]['type'] extends 'boolean' ? boolean | undefined : S[K]['multiple'] extends true ? string[] | undefined : string | undefined;
};

export function parseFlags<S extends FlagSpecs>(argv: readonly string[], specs: S): { flags: Flags<S>; positionals: string[]; help: boolean } {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = { help: { type: 'boolean', short: 'h' } };
  for (const [name, s] of Object.entries(specs)) {
    options[name] = { type: s.type, ...(s.short ? { short: s.short } : {}), ...(s.multiple ? { multiple: true } : {}) };
    if (s.type === 'boolean') options[`no-${name}`] = { type: 'boolean' };
  }
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/\. To specify a positional argument.*$/, ''));
  }
  const values = parsed.values as Record<string, unknown>;
  const flags: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(specs)) {
    let v = values[name];
    if (values[`no-${name}`]) v = false;
    flags[name] = v ?? s.default;
  }
  return { flags: flags as Flags<S>, positionals: parsed.positionals, help: Boolean(values['help']) };
}

export function helpText(usage: string, summary: string, specs: FlagSpecs): string {
  const lines = [`usage: ${usage}`, '', summary, ''];
  const entries = Object.entries(specs);
  if (entries.length) {
    lines.push('flags:');
    for (const [name, s] of entries) {
      const left = `  ${s.short ? `-${s.short}, ` : ''}--${name}${s.type === 'string' ? ' VALUE' : ''}`;
      const def = s.default !== undefined && s.default !== false ? ` (default ${String(s.default)})` : '';
      lines.push(`${left.padEnd(34)} ${s.help}${def}`);
    }
  }
  return lines.join('\n');
}

export function intFlag(name: string, v: string | undefined, min = 0, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be an integer between ${min} and ${max}, got "${v}"`);
  return n;
}
