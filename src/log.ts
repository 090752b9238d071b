// Structured JSON logs (pino) with secrets redacted wherever they appear in a logged object.

import { type Logger, pino } from 'pino';
import { scrub, secretValues } from './secrets.js';

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
  const secrets = secretValues(process.env);
  const sink = destination ?? pino.destination(2);
  return pino(
    { level, base: { app: 'postflight' }, redact: { paths: REDACT_PATHS, censor: '[redacted]' } },
    // Redaction by path misses a secret inside a message or an error's text; every line is scrubbed too.
    { write: (line: string) => sink.write(scrub(line, secrets)) },
  );
}

export type { Logger };
