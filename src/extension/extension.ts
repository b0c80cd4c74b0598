/**
 * Entry point of the LVS Cluster Manager extension. `activate()` only builds the services and registers
 * them; every disposable is owned by `context.subscriptions`. Heavy modules (SSH, webviews) are loaded by
 * the commands that need them, on first use.
 */

import * as vscode from 'vscode';
import { clusterCompletions, clusterHover } from '../core/language/clusterLanguage';
import { rulesLanguageCompletions, rulesLanguageHover } from '../core/language/rulesLanguageService';
import { validateText } from '../core/validateText';
import { QuickFixProvider } from './codeActions';
import { CommandRegistry, createCommands } from './commands';
import { DiagnosticsAdapter } from './diagnosticsAdapter';
import { FileMatcher } from './fileMatcher';
import { LanguageProviders } from './languageProviders';
import type { LanguageServices } from './languageProviders';
import { validateAll } from './validateAll';

const LANGUAGE_SERVICES: LanguageServices = {
  cluster: { completions: clusterCompletions, hover: clusterHover, triggerCharacters: [' ', ',', '['] },
  rules: { completions: rulesLanguageCompletions, hover: rulesLanguageHover, triggerCharacters: [' ', ',', '-'] },
};

export function activate(context: vscode.ExtensionContext): void {
  const matcher = new FileMatcher();
  const diagnostics = new DiagnosticsAdapter(matcher, validateText);
  const commands = new CommandRegistry(
    createCommands({ validateAll: () => validateAll(matcher, diagnostics, validateText) }),
    { trusted: vscode.workspace.isTrusted },
  );
  context.subscriptions.push(
    matcher,
    diagnostics,
    new LanguageProviders(matcher, LANGUAGE_SERVICES, new QuickFixProvider(diagnostics), QuickFixProvider.metadata),
    commands,
    vscode.workspace.onDidGrantWorkspaceTrust(() => commands.update({ trusted: true })),
  );
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
