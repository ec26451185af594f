/**
 * Credentials of the built-in Feishu sandbox. They are not secrets: the sandbox only ever
 * talks to this process, and it never runs while real Feishu credentials are in use (unless
 * FEISHU_SANDBOX=on asks for it). The callback keys are real keys all the same, so card and
 * event callbacks from the sandbox page go through the same signature check as Feishu's.
 */
export const SANDBOX_CREDENTIALS = {
  appId: 'cli_promduty_sandbox',
  appSecret: 'promduty-sandbox-app-secret',
  encryptKey: 'promduty-sandbox-encrypt-key',
  verificationToken: 'promduty-sandbox-verification-token',
} as const;

export type SandboxSetting = 'auto' | 'on' | 'off';

/** `auto`: the sandbox stands in whenever no Feishu app is configured. */
export const sandboxWanted = (setting: SandboxSetting, appConfigured: boolean): boolean =>
  setting === 'on' || (setting === 'auto' && !appConfigured);

/**
 * Whether Feishu callbacks are taken from loopback clients only. The rule: no key that is
 * public may authorize anything from outside loopback. The sandbox's keys above are public
 * (they are in this file), so while the secret that verifies callbacks is one of them (the
 * encrypt key when there is one, else the verification token) only loopback peers (the
 * sandbox page, tests) are served. An encrypt key set explicitly (FEISHU_ENCRYPT_KEY) is
 * private even while the sandbox runs: then callbacks are verified like Feishu's, from
 * anywhere. `FEISHU_SANDBOX=on` opens them on purpose (logged as a warning at start).
 */
export function callbacksLoopbackOnly(keys: { encryptKey?: string; verificationToken?: string }, setting: SandboxSetting): boolean {
  if (setting === 'on') return false;
  return keys.encryptKey ? keys.encryptKey === SANDBOX_CREDENTIALS.encryptKey : keys.verificationToken === SANDBOX_CREDENTIALS.verificationToken;
}
