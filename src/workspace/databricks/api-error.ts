// Errors of the Databricks REST edge. Messages name the endpoint, the HTTP status and Databricks'
// own error_code and message, and never carry a credential.

export class DatabricksApiError extends Error {
  readonly endpoint: string;
  readonly status: number;
  readonly errorCode: string | null;
  readonly apiMessage: string | null;
  readonly retryAfter: string | null;

  constructor(
    endpoint: string,
    status: number,
    errorCode: string | null,
    apiMessage: string | null,
    retryAfter: string | null = null,
  ) {
    super(`${endpoint}: HTTP ${status}${errorCode ? ` ${errorCode}` : ''}${apiMessage ? `: ${apiMessage}` : ''}`);
    this.name = 'DatabricksApiError';
    this.endpoint = endpoint;
    this.status = status;
    this.errorCode = errorCode;
    this.apiMessage = apiMessage;
    this.retryAfter = retryAfter;
  }

  /** The resource named by the request does not exist (not a failure of the API itself). */
  get isNotFound(): boolean {
    return this.status === 404 || this.errorCode === 'RESOURCE_DOES_NOT_EXIST';
  }
}

/** The API answered 2xx with a body postflight cannot read. */
export class UnexpectedResponseError extends Error {
  readonly endpoint: string;
  constructor(endpoint: string, detail: string) {
    super(`${endpoint} returned an unexpected body: ${detail}`);
    this.name = 'UnexpectedResponseError';
    this.endpoint = endpoint;
  }
}

/** Reads Databricks' `{error_code, message}` (or OAuth's `{error, error_description}`) from an error body. */
export function readErrorBody(text: string): { code: string | null; message: string | null } {
  try {
    const o = JSON.parse(text) as Record<string, unknown>;
    const code = typeof o.error_code === 'string' ? o.error_code : typeof o.error === 'string' ? o.error : null;
    const message =
      typeof o.message === 'string' ? o.message : typeof o.error_description === 'string' ? o.error_description : null;
    return { code, message };
  } catch {
    // A proxy or load balancer may answer with HTML; a short excerpt is enough to diagnose it.
    const excerpt = text.replace(/\s+/g, ' ').trim().slice(0, 200);
    return { code: null, message: excerpt === '' ? null : excerpt };
  }
}

/** Replaces every occurrence of the given secrets in a text. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join('[redacted]');
  return out;
}
