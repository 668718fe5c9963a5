import { describe, it, expect, afterEach } from 'vitest';
import { createLogger, LOG_LEVEL_ENV } from './logger.ts';

/** a destination that keeps every JSON line */
function capture(): { lines: Array<Record<string, unknown>>; write(s: string): void } {
  const lines: Array<Record<string, unknown>> = [];
  return { lines, write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) };
}

describe('createLogger', () => {
  const saved = process.env[LOG_LEVEL_ENV];
  afterEach(() => {
    if (saved === undefined) delete process.env[LOG_LEVEL_ENV];
    else process.env[LOG_LEVEL_ENV] = saved;
  });

  it('sets the component field on every line, children included', () => {
    const out = capture();
    const log = createLogger('scheduler', { destination: out });
    log.info({ pod: 'default/web' }, 'scheduled');
    log.child({ plugin: 'NodeAffinity' }).warn('slow');
    expect(out.lines[0]).toMatchObject({ component: 'scheduler', pod: 'default/web', msg: 'scheduled', level: 30 });
    expect(out.lines[1]).toMatchObject({ component: 'scheduler', plugin: 'NodeAffinity', level: 40 });
  });

  it('logs at info by default and drops debug', () => {
    delete process.env[LOG_LEVEL_ENV];
    const out = capture();
    const log = createLogger('x', { destination: out });
    log.debug('hidden');
    log.info('shown');
    expect(out.lines.map((l) => l['msg'])).toEqual(['shown']);
  });

  it('takes its level from KUBESIM_LOG_LEVEL', () => {
    process.env[LOG_LEVEL_ENV] = 'debug';
    const out = capture();
    createLogger('x', { destination: out }).debug('visible');
    expect(out.lines).toHaveLength(1);
  });

  it('falls back to info on an unknown level', () => {
    process.env[LOG_LEVEL_ENV] = 'loud';
    expect(createLogger('x', { destination: capture() }).level).toBe('info');
  });

  it('lets an explicit level win over the environment', () => {
    process.env[LOG_LEVEL_ENV] = 'debug';
    expect(createLogger('x', { destination: capture(), level: 'error' }).level).toBe('error');
  });

  const secrets: Array<[string, Record<string, unknown>, string[]]> = [
    ['a top-level token is redacted', { token: 's3cret' }, ['token']],
    ['an authorization header two levels down is redacted', { req: { headers: { authorization: 'Bearer s3cret' } } }, ['req', 'headers', 'authorization']],
    ['a token inside a nested object is redacted', { user: { token: 's3cret' } }, ['user', 'token']],
  ];
  it.each(secrets)('%s', (_n, fields, path) => {
    const out = capture();
    createLogger('apiserver', { destination: out }).info(fields, 'request');
    let v: unknown = out.lines[0];
    for (const p of path) v = (v as Record<string, unknown>)[p];
    expect(v).toBe('[Redacted]');
    expect(JSON.stringify(out.lines[0])).not.toContain('s3cret');
  });

  it('keeps fields that are not secrets', () => {
    const out = capture();
    createLogger('apiserver', { destination: out }).info({ req: { method: 'GET', tokenCount: 3 } }, 'request');
    expect(out.lines[0]).toMatchObject({ req: { method: 'GET', tokenCount: 3 } });
  });
});
