import type { CheckName, CheckResult, CheckStatus, Plane } from '../types.js';

/** A CheckResult with the statistical fields defaulted, for checks that have none. */
export function checkResult(
  fields: Pick<CheckResult, 'check' | 'subject' | 'look' | 'status' | 'critical' | 'explanation'> &
    Partial<CheckResult>,
): CheckResult {
  return {
    observed: null,
    baselineN: 0,
    baselineCenter: null,
    baselineSpread: null,
    threshold: null,
    statistic: null,
    pValue: null,
    effect: null,
    postN: fields.look,
    plane: 'fast' as Plane,
    evidenceAgeS: null,
    suppressedBy: null,
    recheckAtMs: null,
    decidedAtMs: null,
    ...fields,
  };
}

export function measurementError(
  check: CheckName,
  subject: string,
  look: number,
  critical: boolean,
  message: string,
): CheckResult {
  return checkResult({
    check,
    subject,
    look,
    status: 'ERROR' as CheckStatus,
    critical,
    explanation: `could not measure: ${message}`,
  });
}
