import type { CheckName, CheckResult, CheckStatus, MeasurementError, Plane } from '../types.js';

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
  error: string | MeasurementError,
): CheckResult {
  // A malformed row says so first, in the words its kind is counted by; a failed read says it could not measure.
  const fault = typeof error === 'string' ? undefined : error.fault;
  const message = typeof error === 'string' ? error : error.message;
  return checkResult({
    check,
    subject,
    look,
    status: 'ERROR' as CheckStatus,
    critical,
    explanation: fault ? message : `could not measure: ${message}`,
    ...(fault ? { kind: fault } : {}),
  });
}
