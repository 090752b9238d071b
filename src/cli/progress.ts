// A one-line progress indicator for long work, shown only on a terminal: the phase, a bar, how
// much is done, the time spent and an estimate of the time left. Output that is not a terminal
// (a CI log, a pipe) gets nothing, so logs hold results and not carriage returns.

/** The part of a stream the indicator writes to. */
export interface ProgressOut {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

/** Redraws at most this often: a replay reports thousands of steps a second. */
const REDRAW_MS = 100;
const BAR = 20;

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60
    ? `${s}s`
    : s < 3600
      ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
      : `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export class Progress {
  readonly #out: ProgressOut;
  readonly #now: () => number;
  #shown = false;
  #phase = '';
  #phaseStartMs = 0;
  #drawnMs = -Infinity;

  constructor(out: ProgressOut, now: () => number = Date.now) {
    this.#out = out;
    this.#now = now;
  }

  update(phase: string, done: number, total: number): void {
    if (!this.#out.isTTY) return;
    const now = this.#now();
    if (phase !== this.#phase) {
      // A phase whose words change as it goes (wait names the verdict it has seen) keeps its clock.
      if (done === 0 || this.#phase === '') this.#phaseStartMs = now;
      this.#phase = phase;
    } else if (now - this.#drawnMs < REDRAW_MS && done < total) return;
    this.#drawnMs = now;
    const frac = total > 0 ? Math.min(1, done / total) : 0;
    const cells = Math.round(frac * BAR);
    const spent = now - this.#phaseStartMs;
    // The rate so far, once there is one to go by.
    const left = done > 0 && done < total && spent > 1000 ? ` ~${duration((spent / done) * (total - done))} left` : '';
    this.#out.write(
      `\r\x1b[K${phase}: [${'#'.repeat(cells)}${'.'.repeat(BAR - cells)}] ${done}/${total} (${Math.floor(frac * 100)}%) ${duration(spent)}${left}`,
    );
    this.#shown = true;
  }

  done(): void {
    if (this.#shown) this.#out.write('\r\x1b[K');
    this.#shown = false;
    this.#phase = '';
  }
}
