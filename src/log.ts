// Structured JSON logs (pino) with secrets redacted wherever they appear in a logged object.

import { type Logger, pino } from 'pino';

export const REDACT_PATHS = [
  'token',
  'password',
  'secret',
  'clientSecret',
  'authorization',
  '*.token',
  '*.password',
  '*.secret',
  '*.clientSecret',
  '*.authorization',
  '*.headers.authorization',
  '*.headers.Authorization',
  'config.oauthClientSecret',
];

export function createLogger(
  level: string = process.env.POSTFLIGHT_LOG_LEVEL ?? 'info',
  destination?: NodeJS.WritableStream,
): Logger {
  return pino(
    { level, base: { app: 'postflight' }, redact: { paths: REDACT_PATHS, censor: '[redacted]' } },
    destination ?? pino.destination(2),
  );
}

export type { Logger };
