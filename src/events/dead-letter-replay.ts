import { AppError, conflict, isAppError, type FieldIssue } from '../core/errors';
import { formatTime } from '../core/text';
import type { Actor } from '../db/audit';
import { detailOf, type DeadLetterDetail, type DeadLetterStore, type KeptLetter } from './dead-letters';
import type { AlertProcessor } from './processing';
import { failureKind, failureText } from './store-failures';
import { parseWebhook, toBatch, toWebhookBody } from './webhook';

const API = '/api/v1/alerts/dead-letters';

/**
 * What people do with dead letters (the admin API): look, replay, discard.
 *
 * A replay runs the kept notification through the webhook's checks as they are today and
 * then the worker's store path, right here, so the answer says whether it worked. It does not
 * go through the `alerts` queue: its answer would only say "queued", and the queue's
 * duplicate check would drop a notification it saw within the dedup window. It keeps the time
 * it was first received, so a replay of news that later notifications overtook changes nothing.
 */
export class DeadLetterReplay {
  constructor(
    private readonly d: {
      deadLetters: DeadLetterStore;
      processor: Pick<AlertProcessor, 'store'>;
      timezone: string;
    },
  ) {}

  list(query: Record<string, string>) {
    const state = query.state;
    if (state !== undefined && !['open', 'replayed', 'discarded', 'all'].includes(state)) {
      throw new AppError('validation_failed', 'state: must be open, replayed, discarded or all', [{ path: 'state', message: 'must be open, replayed, discarded or all' }]);
    }
    const limit = query.limit === undefined ? undefined : Number(query.limit);
    if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1 && limit <= 1000)) {
      throw new AppError('validation_failed', 'limit: must be a whole number from 1 to 1000', [{ path: 'limit', message: 'must be a whole number from 1 to 1000' }]);
    }
    return this.d.deadLetters.list({ state: state === 'all' ? undefined : (state as 'open' | 'replayed' | 'discarded' | undefined), limit });
  }

  async get(id: number): Promise<DeadLetterDetail> {
    return detailOf(await this.d.deadLetters.get(id));
  }

  async retry(id: number, actor: Actor): Promise<DeadLetterDetail> {
    const letter = await this.open(id);
    let batch;
    try {
      batch = toBatch(parseWebhook(toWebhookBody(letter.batch)), letter.receivedAt);
    } catch (e) {
      if (!isAppError(e)) throw e;
      await this.d.deadLetters.replayFailed(id, e);
      const issues = ((e.details as FieldIssue[] | null) ?? []).map((i) => ({ path: `payload.${i.path}`, message: i.message }));
      const first = issues[0];
      throw new AppError(
        'validation_failed',
        `dead letter ${id} does not pass the webhook's checks (${first?.path}: ${first?.message}), so it cannot be stored as it is; discard it with DELETE ${API}/${id}`,
        issues,
      );
    }
    const [outcome] = await this.d.processor.store([batch]);
    if (outcome!.ok) {
      await this.d.deadLetters.replayed(id, actor);
      return this.get(id);
    }
    const error = outcome!.error;
    if (failureKind(error) === 'unavailable') throw new AppError('unavailable', 'the database cannot be reached: try again once it is back', undefined, { cause: error });
    await this.d.deadLetters.replayFailed(id, error);
    throw conflict(
      `dead letter ${id} could not be stored again: ${failureText(error)}. Fix the cause, then retry; or discard it with DELETE ${API}/${id}`,
      { error: failureText(error), errorKind: failureKind(error) },
    );
  }

  async discard(id: number, actor: Actor): Promise<void> {
    await this.open(id);
    await this.d.deadLetters.discard(id, actor);
  }

  /** The dead letter, if it is still waiting for someone. */
  private async open(id: number): Promise<KeptLetter> {
    const letter = await this.d.deadLetters.get(id);
    const at = letter.replayedAt ?? letter.discardedAt;
    if (at) throw conflict(`dead letter ${id} was ${letter.state} at ${formatTime(at, this.d.timezone)}: there is nothing left to do with it`, { state: letter.state });
    return letter;
  }
}
