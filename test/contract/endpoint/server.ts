// A local Databricks SQL endpoint: Thrift TCLIService over HTTPS, binary protocol, at one HTTP
// path, for one personal access token. The driver always speaks TLS (and does not check the
// certificate), so the endpoint serves a self-signed certificate made for it on start.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Engine } from './engine.js';
import { TcliService } from './tcli-service.js';

const require = createRequire(import.meta.url);
type Transport = { readonly __transport: unique symbol };
const thrift = require('thrift') as {
  TBufferedTransport: {
    receiver(callback: (transport: Transport) => void): (data: Buffer) => void;
    new (buffer: undefined, onFlush: (buf: Buffer) => void): Transport;
  };
  TBinaryProtocol: new (transport: Transport) => object;
};
const TCLIService = require('@databricks/sql/thrift/TCLIService.js') as {
  Processor: new (handler: object) => { process(input: object, output: object): void };
};

export interface EndpointOptions {
  readonly engine: Engine;
  /** The catalogs whose three-level names map onto Spark databases (see catalog-names.ts). */
  readonly catalogs: readonly string[];
  readonly token: string;
  readonly httpPath: string;
  /** Where the certificate is kept. */
  readonly dir: string;
}

export interface Endpoint {
  readonly port: number;
  readonly service: TcliService;
  /** HTTP requests refused for their credentials. */
  readonly refused: number;
  close(): Promise<void>;
}

export async function startEndpoint(o: EndpointOptions): Promise<Endpoint> {
  const tls = certificate(o.dir);
  const service = new TcliService(o.engine, o.catalogs);
  const processor = new TCLIService.Processor(service);
  let refused = 0;
  const server: Server = createServer(tls, (req, res) => {
    if (req.method !== 'POST' || req.url !== o.httpPath) {
      res.writeHead(404).end(`no SQL warehouse at ${req.url}`);
      return;
    }
    if (req.headers.authorization !== `Bearer ${o.token}`) {
      refused++;
      res.writeHead(401).end('Credential was not sent or was of an unsupported type for this API.');
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const receive = thrift.TBufferedTransport.receiver((transport) => {
        const input = new thrift.TBinaryProtocol(transport);
        const output = new thrift.TBinaryProtocol(
          new thrift.TBufferedTransport(undefined, (buf) => {
            res.writeHead(200, { 'Content-Type': 'application/x-thrift' }).end(buf);
          }),
        );
        try {
          processor.process(input, output);
        } catch (e) {
          res.writeHead(500).end((e as Error).message);
        }
      });
      receive(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    service,
    get refused() {
      return refused;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function certificate(dir: string): { key: Buffer; cert: Buffer } {
  mkdirSync(dir, { recursive: true });
  const key = join(dir, 'endpoint-key.pem');
  const cert = join(dir, 'endpoint-cert.pem');
  if (!existsSync(key) || !existsSync(cert)) {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '30',
        '-subj',
        '/CN=localhost',
      ],
      { stdio: 'ignore' },
    );
  }
  return { key: readFileSync(key), cert: readFileSync(cert) };
}
