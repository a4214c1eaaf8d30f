/**
 * Errors the storage layer throws for bad input. Each message says what to change,
 * so entry points can show it to the person who made the request.
 */
export class StorageValidationError extends Error {
  override readonly name: string = 'StorageValidationError';
  /** Which input was wrong (e.g. 'parentId', 'sonar project key'), when one input is to blame. */
  readonly field: string | undefined;
  /** Per input (its path, like 'trigger.count'), why it was refused, when several inputs are to blame. */
  readonly fields: Readonly<Record<string, string>> | undefined;

  constructor(message: string, field?: string, fields?: Record<string, string>) {
    super(message);
    this.field = field;
    this.fields = fields;
  }
}

/** The record the caller wants to change or read does not exist. */
export class StorageNotFoundError extends StorageValidationError {
  override readonly name: string = 'StorageNotFoundError';
}

/** The change would clash with stored data (a project mapped elsewhere, a product that still has children). */
export class StorageConflictError extends StorageValidationError {
  override readonly name: string = 'StorageConflictError';
}
