// A local HTTP server standing in for the Databricks REST API: each path answers from a queue of
// scripted responses (the last one repeats), and every request is recorded.

import { createServer, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface Scripted {
  readonly status?: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** Drop the connection instead of answering. */
  readonly hangUp?: boolean;
}

export interface Recorded {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

export class FakeDatabricksApi {
  readonly requests: Recorded[] = [];
  readonly #routes = new Map<string, Array<Scripted | ((req: Recorded) => Scripted)>>();
  #server: Server | null = null;
  baseUrl = '';

  /** Queues answers for `METHOD /path`; the last one keeps answering. */
  on(route: string, ...answers: Array<Scripted | ((req: Recorded) => Scripted)>): this {
    this.#routes.set(route, answers);
    return this;
  }

  calls(route: string): Recorded[] {
    return this.requests.filter((r) => `${r.method} ${r.path}` === route);
  }

  /** Listens on 127.0.0.1; with a key and certificate, over https as a workspace does. */
  async start(tls?: { readonly key: string; readonly cert: string }): Promise<this> {
    const handle: RequestListener = (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://localhost');
        const rec: Recorded = {
          method: req.method ?? 'GET',
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        this.requests.push(rec);
        const queue = this.#routes.get(`${rec.method} ${rec.path}`);
        const next =
          queue === undefined
            ? { status: 404, body: { error_code: 'ENDPOINT_NOT_FOUND', message: `no route ${rec.method} ${rec.path}` } }
            : queue.length > 1
              ? queue.shift()!
              : queue[0]!;
        const answer = typeof next === 'function' ? next(rec) : next;
        if (answer.hangUp) {
          req.socket.destroy();
          return;
        }
        const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? {});
        res.writeHead(answer.status ?? 200, { 'Content-Type': 'application/json', ...answer.headers });
        res.end(text);
      });
    };
    this.#server = tls ? createTlsServer(tls, handle) : createServer(handle);
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `${tls ? 'https' : 'http'}://127.0.0.1:${(this.#server!.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()) ?? resolve());
  }
}
