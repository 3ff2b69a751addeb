import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * What of an error reaches the log: its type, message, code and stack. Nothing else: a database error
 * carries the values bound into the failed query (`detail`, `parameters`, …: message bodies, e-mails,
 * hashes), and the query text itself keeps its placeholders (knex `compileSqlOnError: false`).
 */
export function serializeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: typeof error === 'string' ? error : 'non-error thrown' };
  const e = error as Error & { code?: unknown };
  return { type: e.name, message: e.message, ...(typeof e.code === 'string' || typeof e.code === 'number' ? { code: e.code } : {}), stack: e.stack };
}

/**
 * Structured JSON logs. Secrets and message bodies are redacted by path as a second line of defence;
 * the first is never passing them to the logger at all.
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const options = {
    level,
    base: { service: 'kitestring' },
    serializers: { err: serializeError, error: serializeError },
    redact: {
      paths: ['token', 'password', 'body', 'email', '*.token', '*.password', '*.body', '*.email', 'req.headers.authorization', 'headers.authorization', 'auth.token', 'auth.guestToken'],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination as pino.DestinationStream) : pino(options);
}
