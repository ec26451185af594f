import { randomBytes } from 'node:crypto';
import { cardActionEvent, messageEvent, signRequest, type AppKeys, type CardActionInput, type SignedRequest } from '../../src/sandbox/callbacks';

export interface CallbackAnswer {
  status: number;
  body: any;
}

/**
 * Sends promduty the requests Feishu sends, signed and (with an encrypt key) encrypted the
 * way Feishu does (src/sandbox/callbacks.ts). `tamper` changes the request after signing,
 * to forge one.
 */
export class FeishuCaller {
  constructor(
    private readonly baseUrl: string,
    readonly keys: AppKeys,
    /** promduty's clock, when a test moves it: Feishu signs with the time of the request. */
    private readonly now: () => Date = () => new Date(),
  ) {}

  async post(path: '/feishu/events' | '/feishu/cards', payload: object, tamper?: (r: SignedRequest) => void): Promise<CallbackAnswer> {
    const signed = signRequest(this.keys, payload, this.now());
    tamper?.(signed);
    const res = await fetch(`${this.baseUrl}${path}`, { method: 'POST', headers: signed.headers, body: signed.body });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  /** `openId` writes `text` to the bot (in a group, Feishu puts the bot mention in front). */
  message(openId: string, text: string, where: { chatId: string; chatType: 'p2p' | 'group' }): { payload: object; messageId: string } {
    const messageId = `om_${randomBytes(16).toString('hex')}`;
    return { payload: messageEvent(this.keys, { operator: { openId }, ...where, messageId, text, now: this.now() }), messageId };
  }

  say(openId: string, text: string, where: { chatId: string; chatType: 'p2p' | 'group' }): Promise<CallbackAnswer & { messageId: string }> {
    const { payload, messageId } = this.message(openId, text, where);
    return this.post('/feishu/events', payload).then((a) => ({ ...a, messageId }));
  }

  cardAction(openId: string, messageId: string, chatId: string, action: CardActionInput): object {
    return cardActionEvent(this.keys, { operator: { openId }, messageId, chatId, action, now: this.now() });
  }

  click(openId: string, messageId: string, chatId: string, action: CardActionInput): Promise<CallbackAnswer> {
    return this.post('/feishu/cards', this.cardAction(openId, messageId, chatId, action));
  }
}
