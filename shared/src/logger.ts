// The one logger factory: `createLogger('scheduler')` gives a pino logger that writes JSON
// lines to stderr with `component` set, at the level in KUBESIM_LOG_LEVEL (default info;
// an unknown level falls back to info). Credentials never reach the output: `authorization`,
// `token` and similar fields are replaced by "[Redacted]" at the top level and up to two
// objects deep (`{ req: { headers: { authorization } } }`). Pass `destination` to capture.

import { pino, type DestinationStream, type Level, type Logger } from 'pino';

export type { Logger } from 'pino';

export interface LoggerOptions {
  /** overrides KUBESIM_LOG_LEVEL */
  level?: Level | 'silent';
  /** where JSON lines go; default stderr (fd 2, synchronous so nothing is lost on exit) */
  destination?: DestinationStream;
  /** extra fields on every line (e.g. `{ node: 'node-1' }`) */
  base?: Record<string, unknown>;
}

export const LOG_LEVEL_ENV = 'KUBESIM_LOG_LEVEL';
const LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);
const SECRET_KEYS = ['authorization', 'Authorization', 'token', 'bearerToken', 'password', 'client-key-data', 'token-data'];

/** pino redaction paths: each secret key at the top level, one and two objects down */
export const redactedPaths: readonly string[] = SECRET_KEYS.flatMap((k) => {
  const key = /^[A-Za-z_$][\w$]*$/.test(k) ? k : `["${k}"]`;
  const join = (prefix: string): string => (key.startsWith('[') ? `${prefix}${key}` : `${prefix}.${key}`);
  return [key, join('*'), join('*.*')];
});

function levelFrom(explicit: string | undefined): string {
  const wanted = (explicit ?? process.env[LOG_LEVEL_ENV] ?? 'info').toLowerCase();
  return LEVELS.has(wanted) ? wanted : 'info';
}

export function createLogger(component: string, opts: LoggerOptions = {}): Logger {
  const destination = opts.destination ?? pino.destination({ dest: 2, sync: true });
  return pino(
    {
      level: levelFrom(opts.level),
      base: { component, ...opts.base },
      redact: { paths: [...redactedPaths], censor: '[Redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
