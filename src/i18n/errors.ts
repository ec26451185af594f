import { AppError, type ErrorCode, type FieldIssue } from '../core/errors';
import { t, type MessageKey, type ParamsArg } from './translate';

/**
 * An AppError whose person-facing text is a catalogue message: chat and cards show it in the
 * bot's language; the HTTP API and logs keep `code` and the English `message`.
 * `userError('validation_failed', 'chat.oncall.tooManyGroups')`.
 */
export function userError<K extends MessageKey>(code: ErrorCode, key: K, ...params: ParamsArg<K>): AppError {
  const values = (params[0] ?? {}) as Record<string, string | number>;
  const details: FieldIssue[] | undefined = code === 'validation_failed' ? [] : undefined;
  return new AppError(code, t('en', key, ...params), details, { say: { key, params: values } });
}
