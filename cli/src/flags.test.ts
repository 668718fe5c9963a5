import { describe, expect, it } from 'vitest';
import { UsageError, helpText, intFlag, parseFlags } from './flags.ts';

const specs = {
  port: { type: 'string', help: 'the port', default: '6443' },
  'no-restart': { type: 'boolean', help: 'leave dead' },
} as const;

describe('parseFlags', () => {
  it('fills defaults and reads given values', () => {
    expect(parseFlags([], specs).flags.port).toBe('6443');
    expect(parseFlags(['--port', '7443', '--no-restart'], specs).flags).toEqual({ port: '7443', 'no-restart': true });
  });
  it('answers an unknown flag with a UsageError', () => {
    expect(() => parseFlags(['--nope'], specs)).toThrow(UsageError);
  });
  it('lists every flag with its default in the help', () => {
    const text = helpText('kubesim up', 'Start a cluster.', specs);
    expect(text).toMatch(/--port VALUE\s+the port \(default 6443\)/);
    expect(text).toMatch(/--no-restart\s+leave dead/);
  });
});

describe('intFlag', () => {
  it('rejects a value that is not an integer in range', () => {
    expect(intFlag('port', '80', 1, 65535)).toBe(80);
    expect(() => intFlag('port', 'abc', 1, 65535)).toThrow(/--port must be an integer between 1 and 65535, got "abc"/);
    expect(() => intFlag('port', '70000', 1, 65535)).toThrow(UsageError);
  });
});
