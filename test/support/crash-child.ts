// A verifier process for the crash test: ticks the given minutes on an embedded file and is
// killed for real (SIGKILL, no cleanup, no checkpoint) at a chosen statement or API call of one
// tick. Usage: node crash-child.mjs <file> <from-minute> <to-minute>, with
// POSTFLIGHT_TEST_KILL=<minute>:<statement|call>:<n>:<before|after>.

import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { KillSwitch } from './faults.js';
import { replayTicks } from './tick-replay.js';

class SigKill extends KillSwitch {
  override async guard<T>(kind: 'statement' | 'call', what: string, run: () => Promise<T>): Promise<T> {
    const n = kind === 'statement' ? this.statements + 1 : this.calls + 1;
    const target = kind === 'statement' ? this.killAtStatement : this.killAtCall;
    if (target !== n) return super.guard(kind, what, run);
    if (this.when === 'after') await run();
    process.stdout.write(`killing at ${kind} ${n} (${what}, ${this.when})\n`);
    process.kill(process.pid, 'SIGKILL');
    // The signal is delivered at once; nothing after this line runs.
    return new Promise<T>(() => undefined);
  }
}

const [file, from, to] = process.argv.slice(2);
const [minute, kind, n, when] = (process.env.POSTFLIGHT_TEST_KILL ?? '').split(':');
const at = Number(n);
const sw = new SigKill(kind === 'statement' ? at : null, kind === 'call' ? at : null, when as 'before' | 'after');
const wh = await DuckDbWarehouse.open(file!);
await replayTicks(wh, Number(from), Number(to), (m) => (m === Number(minute) ? sw : null));
process.stdout.write('finished without being killed\n');
await wh.close();
