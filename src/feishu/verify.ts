import { decryptFeishu, feishuSignature, sameSecret } from './crypto';

export interface FeishuSecrets {
  encryptKey?: string;
  verificationToken?: string;
}

export interface FeishuHttpRequest {
  /** Lower-case header names, as Node gives them. */
  headers: Record<string, string | string[] | undefined>;
  /** The exact body text that was signed. */
  rawBody: string | undefined;
  /** The parsed JSON body. */
  body: unknown;
}

export type Verified = { ok: true; payload: Record<string, unknown> } | { ok: false; reason: string };

/** How far a signed request's timestamp may be from our clock. */
export const MAX_SKEW_MS = 5 * 60_000;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const header = (h: FeishuHttpRequest['headers'], name: string): string | undefined => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

/** The verification token inside a payload: `header.token` (schema 2.0) or `token` (v1, challenges). */
function tokenOf(payload: Record<string, unknown>): string | undefined {
  const fromHeader = isObject(payload.header) ? payload.header.token : undefined;
  const token = 'schema' in payload ? fromHeader : payload.token;
  return typeof token === 'string' ? token : undefined;
}

function decrypted(body: Record<string, unknown>, encryptKey: string): Record<string, unknown> | null {
  if (typeof body.encrypt !== 'string') return body;
  try {
    const plain: unknown = JSON.parse(decryptFeishu(body.encrypt, encryptKey));
    return isObject(plain) ? plain : null;
  } catch {
    return null;
  }
}

/**
 * Decides whether a callback really comes from Feishu, and returns its plain payload.
 * - With an encrypt key, every request must carry a fresh, valid `x-lark-signature`; the one
 *   exception is the url_verification challenge, which Feishu sends unsigned: it must be
 *   encrypted, decrypt with the key (and carry the verification token, when one is
 *   configured). A plain challenge is refused.
 * - Without an encrypt key, the payload's verification token must match (the SDK checks
 *   nothing in this case).
 * - With neither configured, nothing is accepted.
 */
export function verifyFeishuRequest(req: FeishuHttpRequest, secrets: FeishuSecrets, nowMs: number): Verified {
  const { encryptKey, verificationToken } = secrets;
  if (!encryptKey && !verificationToken) return { ok: false, reason: 'neither FEISHU_ENCRYPT_KEY nor FEISHU_VERIFICATION_TOKEN is configured' };
  if (!isObject(req.body) || req.rawBody === undefined) return { ok: false, reason: 'body is not a JSON object' };
  const tokenOk = (p: Record<string, unknown>) => {
    const token = tokenOf(p);
    return token !== undefined && verificationToken !== undefined && sameSecret(token, verificationToken);
  };

  if (!encryptKey) {
    if ('encrypt' in req.body) return { ok: false, reason: 'encrypted body but no FEISHU_ENCRYPT_KEY configured' };
    return tokenOk(req.body) ? { ok: true, payload: req.body } : { ok: false, reason: 'wrong or missing verification token' };
  }

  const signature = header(req.headers, 'x-lark-signature');
  const payload = decrypted(req.body, encryptKey);
  if (!signature) {
    // Only an encrypted challenge: decrypting it is what proves the sender has the key. A plain
    // body would prove nothing, whatever token it carries.
    if (typeof req.body.encrypt !== 'string') return { ok: false, reason: 'missing x-lark-signature (only an encrypted url_verification comes unsigned)' };
    const challenge = payload?.type === 'url_verification' && (verificationToken === undefined || tokenOk(payload));
    return challenge && payload ? { ok: true, payload } : { ok: false, reason: 'missing x-lark-signature' };
  }
  const timestamp = header(req.headers, 'x-lark-request-timestamp') ?? '';
  const nonce = header(req.headers, 'x-lark-request-nonce') ?? '';
  const sentAt = Number(timestamp) * 1000;
  if (!Number.isFinite(sentAt) || !timestamp || Math.abs(nowMs - sentAt) > MAX_SKEW_MS) return { ok: false, reason: 'timestamp missing or too far from now' };
  if (!sameSecret(signature, feishuSignature(timestamp, nonce, encryptKey, req.rawBody))) return { ok: false, reason: 'bad signature' };
  if (!payload) return { ok: false, reason: 'body does not decrypt with FEISHU_ENCRYPT_KEY' };
  return { ok: true, payload };
}
