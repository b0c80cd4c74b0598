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
import type { StatsPanels } from './stats/statsPanels';
import { STATS_VIEW_TYPE } from '../shared/statsProtocol';

const LANGUAGE_SERVICES: LanguageServices = {
  cluster: { completions: clusterCompletions, hover: clusterHover, triggerCharacters: [' ', ',', '['] },
  rules: { completions: rulesLanguageCompletions, hover: rulesLanguageHover, triggerCharacters: [' ', ',', '-'] },
};

export function activate(context: vscode.ExtensionContext): void {
  const matcher = new FileMatcher();
  const diagnostics = new DiagnosticsAdapter(matcher, validateText);
  // The statistics panels (SSH, webview host) are loaded on first use.
  let statsPanels: StatsPanels | undefined;
  const stats = async (): Promise<StatsPanels> => {
    if (statsPanels) return statsPanels;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { StatsPanels: Panels } = require('./stats/statsPanels') as typeof import('./stats/statsPanels');
    const panels = new Panels(context);
    context.subscriptions.push(panels);
    statsPanels = panels;
    return panels;
  };
  const commands = new CommandRegistry(
    createCommands({
      validateAll: () => validateAll(matcher, diagnostics, validateText),
      showStats: async (arg) => (await stats()).show(arg),
    }),
    { trusted: vscode.workspace.isTrusted },
  );
  context.subscriptions.push(
    matcher,
    diagnostics,
    new LanguageProviders(matcher, LANGUAGE_SERVICES, new QuickFixProvider(diagnostics), QuickFixProvider.metadata),
    commands,
    vscode.workspace.onDidGrantWorkspaceTrust(() => commands.update({ trusted: true })),
    vscode.window.registerWebviewPanelSerializer(STATS_VIEW_TYPE, {
      // A panel restored after a reload connects again only in a trusted workspace.
      deserializeWebviewPanel: async (panel, state: unknown) => {
        if (!vscode.workspace.isTrusted) { panel.dispose(); return; }
        await (await stats()).revive(panel, state);
      },
    }),
  );
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
