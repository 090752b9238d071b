// The Spark engine: one Python process holding one SparkSession with Delta Lake (worker.py),
// spoken to in JSON lines. Requests are answered in order; the session runs one statement at a
// time, as a single-cluster warehouse under light load would.

import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type Engine, EngineError, type EngineResult, type WireParam } from './engine.js';

export interface SparkWorkerOptions {
  /** The virtual environment's python, with pyspark and delta-spark installed. */
  readonly python: string;
  /** The Delta Lake jars (delta-spark, delta-storage) as local files. */
  readonly jars: readonly string[];
  /** Warehouse, scratch and log directory of this session; created if absent. */
  readonly dir: string;
  /** worker.py; by default the one next to this module's folder (pass it when bundled elsewhere). */
  readonly script?: string;
  /** How long the JVM may take to start. */
  readonly startTimeoutMs?: number;
}

interface Answer {
  readonly id: number;
  readonly ok: boolean;
  readonly message?: string;
  readonly sqlState?: string;
  readonly errorClass?: string;
  readonly [k: string]: unknown;
}

const WORKER = join(fileURLToPath(new URL('.', import.meta.url)), '..', 'spark', 'worker.py');

export class SparkWorker implements Engine {
  readonly #proc: ChildProcessWithoutNullStreams;
  readonly #waiting = new Map<number, (a: Answer) => void>();
  #next = 1;
  #exited: Error | null = null;
  readonly sparkVersion: string;

  private constructor(proc: ChildProcessWithoutNullStreams, sparkVersion: string) {
    this.#proc = proc;
    this.sparkVersion = sparkVersion;
  }

  static async start(o: SparkWorkerOptions): Promise<SparkWorker> {
    mkdirSync(join(o.dir, 'tmp'), { recursive: true });
    const log = createWriteStream(join(o.dir, 'spark.log'), { flags: 'a' });
    const proc = spawn(o.python, [o.script ?? WORKER], {
      env: {
        ...process.env,
        TZ: 'UTC',
        PF_SPARK_DIR: o.dir,
        PF_DELTA_JARS: o.jars.join(','),
        PYSPARK_PYTHON: o.python,
        SPARK_LOCAL_IP: '127.0.0.1',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    proc.stderr.pipe(log);
    const lines = createInterface({ input: proc.stdout });
    const ready = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `spark: the session did not start within ${o.startTimeoutMs ?? 180_000} ms; see ${join(o.dir, 'spark.log')}`,
            ),
          ),
        o.startTimeoutMs ?? 180_000,
      );
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`spark: the worker exited with code ${code} while starting; see ${join(o.dir, 'spark.log')}`));
      });
      lines.once('line', (line) => {
        clearTimeout(timer);
        try {
          resolve(String((JSON.parse(line) as { spark: string }).spark));
        } catch {
          reject(new Error(`spark: the worker said '${line.slice(0, 200)}' instead of ready`));
        }
      });
    });
    const version = await ready.catch((e: Error) => {
      proc.kill();
      throw e;
    });
    const worker = new SparkWorker(proc, version);
    lines.on('line', (line) => worker.#answer(line));
    proc.on('exit', (code, signal) => worker.#fail(new Error(`spark: the worker exited (${code ?? signal})`)));
    return worker;
  }

  async run(sql: string, params: readonly WireParam[]): Promise<EngineResult> {
    const a = await this.#call({ op: 'sql', sql, params });
    if (!a.ok) throw new EngineError(a.message ?? 'statement failed', a.sqlState ?? null, a.errorClass ?? null);
    return { columns: a.columns as EngineResult['columns'], rows: a.rows as EngineResult['rows'] };
  }

  /** Sets the warehouse clock: `current_timestamp()` on Spark is `ms` from now on (the simulated now). */
  async setClock(ms: number): Promise<void> {
    const a = await this.#call({ op: 'clock', ms });
    if (!a.ok) throw new EngineError(a.message ?? 'clock not set', null, a.errorClass ?? null);
  }

  async versions(): Promise<{ spark: string; delta: string }> {
    const a = await this.#call({ op: 'versions' });
    return { spark: String(a.spark), delta: String(a.delta) };
  }

  async close(): Promise<void> {
    if (this.#exited) return;
    const gone = new Promise<void>((resolve) => this.#proc.once('exit', () => resolve()));
    this.#proc.stdin.end();
    const timer = setTimeout(() => this.#proc.kill('SIGKILL'), 20_000);
    await gone;
    clearTimeout(timer);
  }

  #call(req: Record<string, unknown>): Promise<Answer> {
    if (this.#exited) return Promise.reject(this.#exited);
    const id = this.#next++;
    return new Promise<Answer>((resolve) => {
      this.#waiting.set(id, resolve);
      this.#proc.stdin.write(`${JSON.stringify({ id, ...req })}\n`);
    });
  }

  #answer(line: string): void {
    let a: Answer;
    try {
      a = JSON.parse(line) as Answer;
    } catch {
      return;
    }
    const done = this.#waiting.get(a.id);
    this.#waiting.delete(a.id);
    done?.(a);
  }

  #fail(err: Error): void {
    this.#exited = err;
    for (const done of this.#waiting.values()) done({ id: -1, ok: false, message: err.message });
    this.#waiting.clear();
  }
}
