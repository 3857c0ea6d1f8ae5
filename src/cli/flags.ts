/** The flags that set each setting messages name, and how the CLI says so. */
import type { Setting } from '../model/settings.js';

/** What to tell a user who wants the setting changed. */
const HINTS: Readonly<Record<Setting, string>> = {
  url: 'pass --url or set DATABASE_URL',
  checkData: 'pass --no-check-data to skip the check',
  lockTimeout: 'raise --lock-timeout',
  lockWait: 'raise --lock-wait',
  online: 'use --online to validate without blocking writes',
  create: 'run apply --create to make a new one',
  statementTimeout: 'raise --statement-timeout',
  stepTimeout: 'raise --step-timeout',
};

export function settingHint(setting: Setting): string {
  return HINTS[setting];
}

/** ` (raise --lock-timeout, or pass --no-check-data…)`, or nothing. */
export function settingsSuffix(settings: readonly Setting[]): string {
  return settings.length === 0 ? '' : ` (${settings.map(settingHint).join(', or ')})`;
}
