// The ci-dispatch clients against a local HTTP server standing in for GitHub and a deploy webhook.

import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { dispatcherFromConfig } from '../../src/rollback/ci/from-config.js';
import { githubDispatcher } from '../../src/rollback/ci/github-dispatch.js';
import { retryAfterMs } from '../../src/rollback/ci/http.js';
import {
  SIGNATURE_HEADER,
  signWebhook,
  TIMESTAMP_HEADER,
  webhookDispatcher,
} from '../../src/rollback/ci/webhook-dispatch.js';
import { resolveRollbackPolicy } from '../../src/rollback/policy.js';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

let server: Server | null = null;

async function serve(
  replies: Array<{ status: number; headers?: Record<string, string> }>,
): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const r = replies[Math.min(seen.length - 1, replies.length - 1)]!;
      res.writeHead(r.status, r.headers ?? {});
      res.end(r.status >= 400 ? `{"message":"status ${r.status}"}` : '');
    });
  });
  await new Promise<void>((ok) => server!.listen(0, '127.0.0.1', ok));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, seen };
}

afterEach(async () => {
  await new Promise<void>((ok) => (server ? server.close(() => ok()) : ok()));
  server = null;
});

const req = {
  rollbackId: 'rb-1',
  bundle: 'orders',
  target: 'prod',
  version: 'a'.repeat(40),
  fromVersion: 'c'.repeat(40),
  reason: 'run_health: failed',
};

describe('GitHub workflow_dispatch', () => {
  it('posts the inputs to the workflow dispatch endpoint with the token', async () => {
    const { url, seen } = await serve([{ status: 204 }]);
    await githubDispatcher({
      apiUrl: url,
      repository: 'acme/pipelines',
      workflow: 'deploy.yml',
      ref: 'main',
      token: 'ghs_x',
    }).dispatch(req);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.method).toBe('POST');
    expect(seen[0]!.url).toBe('/repos/acme/pipelines/actions/workflows/deploy.yml/dispatches');
    expect(seen[0]!.headers.authorization).toBe('Bearer ghs_x');
    expect(seen[0]!.headers['x-github-api-version']).toBe('2022-11-28');
    expect(JSON.parse(seen[0]!.body)).toEqual({
      ref: 'main',
      inputs: {
        bundle: 'orders',
        target: 'prod',
        version: 'a'.repeat(40),
        rollback_id: 'rb-1',
        reason: 'run_health: failed',
      },
    });
  });

  it('retries a 503 and honours Retry-After, but stops at a 422', async () => {
    const a = await serve([{ status: 503, headers: { 'retry-after': '0' } }, { status: 204 }]);
    await githubDispatcher(
      { apiUrl: a.url, repository: 'acme/p', workflow: 'd.yml', ref: 'main', token: 't' },
      { minTimeoutMs: 1 },
    ).dispatch(req);
    expect(a.seen).toHaveLength(2);
    await new Promise<void>((ok) => server!.close(() => ok()));
    const b = await serve([{ status: 422 }, { status: 204 }]);
    await expect(
      githubDispatcher(
        { apiUrl: b.url, repository: 'acme/p', workflow: 'd.yml', ref: 'main', token: 't' },
        { minTimeoutMs: 1 },
      ).dispatch(req),
    ).rejects.toThrow(/HTTP 422/);
    expect(b.seen).toHaveLength(1);
  });
});

describe('signed webhook', () => {
  it('signs timestamp and body with HMAC-SHA256 and sends the rollback id as idempotency key', async () => {
    const { url, seen } = await serve([{ status: 202 }]);
    await webhookDispatcher({ url: `${url}/deploy`, secret: 's3cret' }, { clock: () => 1_700_000_000_000 }).dispatch(
      req,
    );
    const h = seen[0]!.headers;
    expect(h['idempotency-key']).toBe('rb-1');
    expect(h[TIMESTAMP_HEADER]).toBe('1700000000000');
    // What a receiver checks: HMAC-SHA256 of "<timestamp>.<raw body>" with the shared secret.
    const expected = createHmac('sha256', 's3cret').update(`1700000000000.${seen[0]!.body}`).digest('hex');
    expect(h[SIGNATURE_HEADER]).toBe(`sha256=${expected}`);
    expect(signWebhook('other', '1700000000000', seen[0]!.body)).not.toBe(h[SIGNATURE_HEADER]);
    expect(JSON.parse(seen[0]!.body)).toMatchObject({
      event: 'postflight.rollback',
      rollback_id: 'rb-1',
      version: 'a'.repeat(40),
      from_version: 'c'.repeat(40),
    });
  });

  it('gives up after its retries on repeated 500s', async () => {
    const { url, seen } = await serve([{ status: 500 }]);
    await expect(
      webhookDispatcher({ url, secret: 's' }, { minTimeoutMs: 1, retries: 2 }).dispatch(req),
    ).rejects.toThrow(/HTTP 500/);
    expect(seen).toHaveLength(3);
  });
});

describe('dispatcher configuration', () => {
  it('reads the secret from the named environment variable and says which one is missing', () => {
    const gh = resolveRollbackPolicy({
      strategy: 'ci-dispatch',
      ciDispatch: { kind: 'github', repository: 'acme/p', workflow: 'd.yml' },
    }).ciDispatch!;
    expect(() => dispatcherFromConfig(gh, {})).toThrow(/environment variable GITHUB_TOKEN is not set/);
    expect(dispatcherFromConfig(gh, { GITHUB_TOKEN: 't' }).kind).toBe('github');
    const hook = resolveRollbackPolicy({
      ciDispatch: { kind: 'webhook', url: 'https://ci.example.com/h', secretEnv: 'HOOK_SECRET' },
    }).ciDispatch!;
    expect(() => dispatcherFromConfig(hook, {})).toThrow(/HOOK_SECRET is not set/);
  });

  it('reads Retry-After in seconds or as a date', () => {
    expect(retryAfterMs('3', 0)).toBe(3000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(retryAfterMs(null, 0)).toBeNull();
  });
});
