import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs. Secrets and message bodies are redacted by path as a second line of defence;
 * the first is never passing them to the logger at all.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'kitestring' },
    redact: {
      paths: [
        'token',
        'password',
        'body',
        '*.token',
        '*.password',
        '*.body',
        'req.headers.authorization',
        'headers.authorization',
        'auth.token',
        'auth.guestToken',
      ],
      censor: '[redacted]',
    },
  });
}
