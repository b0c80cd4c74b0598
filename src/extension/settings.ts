/** Reads the `lvs.*` settings this part of the extension contributes. */

import * as vscode from 'vscode';

export const SETTING_GLOBS = 'clusterFiles.globs';
export const SETTING_DEBOUNCE = 'validation.debounceMs';

export function clusterGlobs(scope?: vscode.ConfigurationScope): string[] {
  const value = vscode.workspace.getConfiguration('lvs', scope).get<unknown>(SETTING_GLOBS);
  if (!Array.isArray(value)) return [];
  return value.filter((g): g is string => typeof g === 'string' && g.trim() !== '').map((g) => g.trim());
}

export function debounceMs(scope?: vscode.ConfigurationScope): number {
  const value = vscode.workspace.getConfiguration('lvs', scope).get<unknown>(SETTING_DEBOUNCE);
  return typeof value === 'number' && Number.isFinite(value) ? Math.min(Math.max(value, 0), 5000) : 250;
}

function num(section: string, key: string, dflt: number, min: number, max: number): number {
  const v = vscode.workspace.getConfiguration(section).get<unknown>(key);
  return typeof v === 'number' && Number.isFinite(v) ? Math.min(Math.max(v, min), max) : dflt;
}

export interface SshSettingValues {
  concurrency: number;
  connectTimeoutSeconds: number;
  /** Empty: the default trust store (lvsctl's). */
  trustStore: string;
}

export function sshSettings(): SshSettingValues {
  const trustStore = vscode.workspace.getConfiguration('lvs.ssh').get<unknown>('trustStore');
  return {
    concurrency: Math.round(num('lvs.ssh', 'concurrency', 8, 1, 64)),
    connectTimeoutSeconds: num('lvs.ssh', 'connectTimeoutSeconds', 20, 1, 300),
    trustStore: typeof trustStore === 'string' ? trustStore.trim() : '',
  };
}

export interface ApplySettingValues {
  confirm: boolean;
  drainTimeoutSeconds: number;
  persist: boolean;
}

export function applySettings(): ApplySettingValues {
  const c = vscode.workspace.getConfiguration('lvs.apply');
  return {
    confirm: c.get<unknown>('confirm') !== false,
    drainTimeoutSeconds: num('lvs.apply', 'drainTimeoutSeconds', 30, 0, 3600),
    persist: c.get<unknown>('persist') === true,
  };
}

export function autoRefreshSeconds(): number {
  return num('lvs.tree', 'autoRefreshSeconds', 0, 0, 3600);
}
