// What a burn-driven release does to its runs: nothing until its failure rate rises, then one run
// in five fails (the platform's own failures go on as before, about 1 % of runs or less).

const HOUR = 3_600_000;

/** The failure rate of the release's runs once it rises. */
export const BURN_FAIL_RATE = 0.2;
/** How long after the deploy the failure rate rises: past the verification window of a job that runs every 30 min. */
export const BURN_RISES_AFTER_MS = 6 * HOUR;

/** Whether a run of a burn-driven release that starts at `startMs` fails (`draw` uniform in [0, 1)). */
export function burnFails(risesAtMs: number, startMs: number, draw: number): boolean {
  return startMs >= risesAtMs && draw < BURN_FAIL_RATE;
}
