import { createDecipheriv, createHash, timingSafeEqual } from 'node:crypto';

/**
 * Feishu's callback cryptography. Encrypted bodies are `{"encrypt": base64(iv16 +
 * AES-256-CBC(json))}` with key = sha256(encrypt key); signed requests carry
 * `x-lark-signature = hex(sha256(timestamp + nonce + encrypt key + raw body))`. The
 * sending side (what Feishu does) is in src/sandbox/callbacks.ts.
 */
const aesKey = (encryptKey: string): Buffer => createHash('sha256').update(encryptKey).digest();

export function decryptFeishu(encrypt: string, encryptKey: string): string {
  const data = Buffer.from(encrypt, 'base64');
  const decipher = createDecipheriv('aes-256-cbc', aesKey(encryptKey), data.subarray(0, 16));
  return Buffer.concat([decipher.update(data.subarray(16)), decipher.final()]).toString('utf8');
}

export const feishuSignature = (timestamp: string, nonce: string, encryptKey: string, rawBody: string): string =>
  createHash('sha256').update(timestamp + nonce + encryptKey + rawBody).digest('hex');

/** Constant-time string comparison (hashing first hides the lengths too). */
export function sameSecret(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}
