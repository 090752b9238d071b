// A tick's time budget. The verifier job starts a tick every minute and never queues one, so a tick
// that overruns its minute pushes the next one out. The tick judges its due deployments in slices
// and, once the budget is spent, starts no further slice: what is left is recorded in its row and
// judged first by the next tick. A slice is gathered, judged and applied whole, so a deployment is
// either judged and written completely in a tick or not at all. Slicing and the record are pure.

/** What slicing needs of a due deployment (open.ts's ActiveDeployment, which reads this module). */
interface Due {
  readonly deployment: { readonly deploymentId: string; readonly bundle: string };
}

/** Time a tick gives itself: the job runs every minute, and start-up and the tick row need the rest. */
export const DEFAULT_TICK_BUDGET_MS = 50_000;
/**
 * Due deployments a slice holds at most (a bundle's are never split, see slices). Gathering is
 * set-based and costs about the same for one deployment as for fifty, so steady ticks stay one slice;
 * a tick with more due (a periodic re-check, a catch-up) can stop between slices.
 */
export const DEPLOYMENTS_PER_SLICE = 100;
/** The largest budget a flag may give: a tick longer than an hour is a stuck tick. */
export const MAX_TICK_BUDGET_S = 3_600;

/** What a tick can leave for the next one. */
export const UNFINISHED_STEP = { untracked: 'step:untracked', rollbackPrefix: 'rollback:' } as const;
const DEPLOYMENT_PREFIX = 'deployment:';

export interface TickBudget {
  readonly budgetMs: number;
  /** Time since the tick began, by its wall clock. */
  elapsedMs(): number;
  /** Whether the tick may still start new work. */
  left(): boolean;
}

export function startBudget(budgetMs: number, startedMs: number, wallClock: () => number): TickBudget {
  const elapsedMs = () => wallClock() - startedMs;
  return { budgetMs, elapsedMs, left: () => elapsedMs() < budgetMs };
}

/**
 * The due deployments in slices of at most `size`, the ones the last tick left first. A bundle's due
 * deployments stay in one slice (a bigger bundle makes a slice of its own): its error budgets are
 * worked out from all of them at once, as an unsliced tick does.
 */
export function slices<T extends Due>(due: readonly T[], carried: ReadonlySet<string>, size: number): T[][] {
  const byBundle = new Map<string, T[]>();
  const carriedFirst = [
    ...due.filter((a) => carried.has(a.deployment.deploymentId)),
    ...due.filter((a) => !carried.has(a.deployment.deploymentId)),
  ];
  for (const a of carriedFirst) {
    const b = a.deployment.bundle;
    (byBundle.get(b) ?? byBundle.set(b, []).get(b)!).push(a);
  }
  const out: T[][] = [];
  let current: T[] = [];
  for (const group of byBundle.values()) {
    if (current.length > 0 && current.length + group.length > size) {
      out.push(current);
      current = [];
    }
    current.push(...group);
  }
  if (current.length > 0) out.push(current);
  return out;
}

/** The record of what a tick left: deployments by id, then steps, in a stable order. */
export function unfinishedRecord(deployments: readonly Due[], steps: readonly string[]): string[] {
  const ids = deployments.map((a) => `${DEPLOYMENT_PREFIX}${a.deployment.deploymentId}`).sort();
  return [...ids, ...[...steps].sort()];
}

export interface Carried {
  /** Deployments the last tick left, by id. */
  readonly deployments: ReadonlySet<string>;
  /** Steps the last tick left (see UNFINISHED_STEP). */
  readonly steps: ReadonlySet<string>;
}

export const NOTHING_CARRIED: Carried = { deployments: new Set(), steps: new Set() };

/**
 * The last tick's record read back. A record that is not a JSON array of strings (a row edited by
 * hand) carries nothing: those deployments are due again anyway on the evidence that made them due.
 */
export function parseUnfinished(text: string | null | undefined): Carried {
  if (!text) return NOTHING_CARRIED;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return NOTHING_CARRIED;
  }
  if (!Array.isArray(parsed)) return NOTHING_CARRIED;
  const deployments = new Set<string>();
  const steps = new Set<string>();
  for (const item of parsed) {
    if (typeof item !== 'string') continue;
    if (item.startsWith(DEPLOYMENT_PREFIX)) deployments.add(item.slice(DEPLOYMENT_PREFIX.length));
    else steps.add(item);
  }
  return { deployments, steps };
}
