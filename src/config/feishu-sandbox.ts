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
