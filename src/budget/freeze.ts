// The promotion gate's reading of error budgets and quarantine: an exhausted budget freezes
// promotion of anything but fixes; a quarantined version is never promoted unchanged. Pure.

export interface GateBudgetRow {
  readonly subject: string;
  readonly slo: string;
  readonly exhausted: boolean;
  readonly budgetRemaining: number;
  readonly deploymentId: string | null;
  readonly explanation: string;
}

export interface GateQuarantineRow {
  readonly target: string;
  readonly version: string;
  readonly reason: string;
}

export interface FreezeDecision {
  readonly frozen: boolean;
  readonly reasons: readonly string[];
}

export function decidePromotion(input: {
  readonly budgets: readonly GateBudgetRow[];
  readonly quarantined: readonly GateQuarantineRow[];
  readonly isFix: boolean;
}): FreezeDecision {
  const reasons: string[] = input.quarantined.map(
    (q) => `version ${q.version.slice(0, 12)} is quarantined on ${q.target}: ${q.reason}`,
  );
  const spent = input.budgets.filter((b) => b.exhausted);
  if (spent.length && !input.isFix) {
    reasons.push(
      ...spent.map(
        (b) =>
          `${b.slo} budget of ${b.subject} is exhausted (${(b.budgetRemaining * 100).toFixed(0)} % left): only fixes are promoted until it recovers`,
      ),
    );
  }
  return { frozen: reasons.length > 0, reasons };
}
