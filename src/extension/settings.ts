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
