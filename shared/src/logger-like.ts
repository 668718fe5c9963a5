// The logging surface the client machinery needs (informers, controller runner, HTTP
// client): a pino logger fits it, and so does a test's array collector. Fields go in the
// object, the message stays constant, as pino does it. Never put a token in the fields.

export interface LoggerLike {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const noopLogger: LoggerLike = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};

/** the message of any thrown value, for log fields */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
