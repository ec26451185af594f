/**
 * Typed errors with stable codes. Every layer throws these; the HTTP layer maps them to
 * `{error:{code,message,details}}` and the chat layer to an error card, so a code means the
 * same thing wherever a user meets it.
 */
export type ErrorCode =
  | 'validation_failed'
  | 'not_found'
  | 'conflict'
  | 'unauthorized'
  | 'forbidden'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'upstream_failed'
  | 'unavailable'
  | 'internal';

const STATUS: Record<ErrorCode, number> = {
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  upstream_failed: 502,
  unavailable: 503,
  internal: 500,
};

/** One problem with one field of the input; `path` names the field (`instances[2]`). */
export interface FieldIssue {
  path: string;
  message: string;
}

/**
 * What a person is told about an error: a message key of src/i18n and its params. Untyped
 * here because core imports no other room; build errors that carry one with `userError`
 * (src/i18n/errors.ts), which checks key and params.
 */
export interface Say {
  key: string;
  params: Record<string, string | number>;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;
  /** The person-facing text, in every language; `message` (English) is for logs and the API. */
  readonly say?: Say;
  /**
   * The person-facing text of `details`' field issues, by path. Kept apart from `details` so
   * the API's `{path, message}` issues stay as they are.
   */
  readonly issueSays?: Readonly<Record<string, Say>>;

  constructor(code: ErrorCode, message: string, details?: unknown, options?: { cause?: unknown; say?: Say; issueSays?: Record<string, Say> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.details = details;
    if (options?.say) this.say = options.say;
    if (options?.issueSays && Object.keys(options.issueSays).length) this.issueSays = options.issueSays;
  }

  get status(): number {
    return STATUS[this.code];
  }
}

export const invalid = (message: string, issues: FieldIssue[] = []): AppError =>
  new AppError('validation_failed', message, issues);

export const invalidField = (path: string, message: string): AppError =>
  invalid(`${path}: ${message}`, [{ path, message }]);

export const notFound = (entity: string, id: unknown): AppError =>
  new AppError('not_found', `${entity} ${String(id)} not found`, { entity, id });

export const conflict = (message: string, details?: unknown): AppError =>
  new AppError('conflict', message, details);

export const forbidden = (message: string): AppError => new AppError('forbidden', message);

export const unavailable = (message: string, cause?: unknown): AppError =>
  new AppError('unavailable', message, undefined, { cause });

/** promduty will not start as configured (the message says why and what to change). */
export class StartRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartRefusedError';
  }
}

export const upstreamFailed = (message: string, cause?: unknown): AppError =>
  new AppError('upstream_failed', message, undefined, { cause });

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;
