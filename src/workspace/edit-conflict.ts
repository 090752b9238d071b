// A guarded edit the control plane refused because the resource changed after it was read: the
// Pipelines API's answer to a stale `expected_last_modified`. Whoever changed it is not known
// here, so the caller must not simply try again with fresh values.

export class EditConflictError extends Error {
  constructor(
    /** `pipeline <id>`. */
    readonly resource: string,
    /** The `last_modified` the edit was sent with. */
    readonly expectedLastModified: number,
    detail: string,
  ) {
    super(
      `${resource} changed after it was read (edit sent with expected_last_modified ${expectedLastModified}): ${detail}`,
    );
    this.name = 'EditConflictError';
  }
}
