/**
 * Entry point of the LVS Cluster Manager extension. `activate()` only builds the services and registers
 * them; every disposable is owned by `context.subscriptions`. What needs SSH (ssh2) or a webview is loaded
 * on first use, so activation stays cheap.
 */

import * as vscode from 'vscode';
import { keepalivedCompletions, keepalivedFoldingRanges, keepalivedHover, keepalivedSymbols } from '../core/keepalivedConf/confLanguage';
import { clusterCompletions, clusterHover } from '../core/language/clusterLanguage';
import { rulesLanguageCompletions, rulesLanguageHover } from '../core/language/rulesLanguageService';
import type { ActionContext } from './actions/actionTarget';
import { applyAction } from './actions/applyAction';
import { doctorAction } from './actions/doctorAction';
import { createClusterFile, revealInFile } from './actions/fileActions';
import { planAction } from './actions/planAction';
import { PlanDocuments } from './actions/planDocuments';
import { prepareAction } from './actions/prepareAction';
import { refreshAction } from './actions/refreshAction';
import { weightAction } from './actions/weightAction';
import { AutoRefresh } from './autoRefresh';
import { ClusterCodeLenses } from './codeLens';
import { QuickFixProvider } from './codeActions';
import { ClusterWorkspace } from './clusterWorkspace';
import { CommandRegistry, createCommands } from './commands';
import { DiagnosticsAdapter } from './diagnosticsAdapter';
import { FileMatcher } from './fileMatcher';
import { validateDocumentText } from './keepalivedIncludes';
import { LanguageProviders } from './languageProviders';
import type { LanguageServices } from './languageProviders';
import { LiveStates } from './liveStates';
import { LvsLog } from './log';
import type { SshService } from './ssh/sshService';
import { ClusterStatusBar } from './statusBar';
import { CLUSTERS_VIEW_ID, ClustersTree } from './tree/clustersTree';
import { validateAll } from './validateAll';
import type { StatsPanels } from './stats/statsPanels';
import { STATS_VIEW_TYPE } from '../shared/statsProtocol';

const LANGUAGE_SERVICES: LanguageServices = {
  cluster: { completions: clusterCompletions, hover: clusterHover, triggerCharacters: [' ', ',', '['] },
  rules: { completions: rulesLanguageCompletions, hover: rulesLanguageHover, triggerCharacters: [' ', ',', '-'] },
  keepalived: { completions: keepalivedCompletions, hover: keepalivedHover, triggerCharacters: [' '], symbols: keepalivedSymbols, foldingRanges: keepalivedFoldingRanges },
};

/** For the tests: how long activate() took. */
export interface ActivationInfo { activationMs: number }

export function activate(context: vscode.ExtensionContext): ActivationInfo {
  const started = performance.now();
  const log = new LvsLog();
  const matcher = new FileMatcher();
  const diagnostics = new DiagnosticsAdapter(matcher, validateDocumentText);
  const workspace = new ClusterWorkspace(matcher);

  // SSH (ssh2) is loaded on first use.
  let sshService: SshService | undefined;
  const ssh = (): SshService => {
    if (sshService) return sshService;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { SshService: Service } = require('./ssh/sshService') as typeof import('./ssh/sshService');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { VscodeSshPrompts } = require('./ssh/vscodePrompts') as typeof import('./ssh/vscodePrompts');
    sshService = new Service(new VscodeSshPrompts(context.secrets, context.globalState, log.redactor), log);
    context.subscriptions.push(sshService);
    return sshService;
  };
  const live = new LiveStates(workspace, ssh, log);
  const planDocs = new PlanDocuments();
  const actions: ActionContext = { workspace, live, ssh, log, docs: planDocs };
  const tree = new ClustersTree(workspace, live);
  const view = vscode.window.createTreeView(CLUSTERS_VIEW_ID, { treeDataProvider: tree, showCollapseAll: true });
  const autoRefresh = new AutoRefresh(view, live);

  // The statistics panels (SSH, webview host) are loaded on first use.
  let statsPanels: StatsPanels | undefined;
  const stats = async (): Promise<StatsPanels> => {
    if (statsPanels) return statsPanels;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { StatsPanels: Panels } = require('./stats/statsPanels') as typeof import('./stats/statsPanels');
    const panels = new Panels(context, workspace, ssh, log);
    context.subscriptions.push(panels);
    statsPanels = panels;
    return panels;
  };
  // keepalived -t's findings of "Check on Director…", created on first use.
  let confChecks: import('./actions/checkConfOnDirector').ConfCheckResults | undefined;
  const commands = new CommandRegistry(
    createCommands({
      validateAll: () => validateAll(matcher, diagnostics, validateDocumentText),
      showStats: async (arg) => (await stats()).show(arg),
      refresh: (arg) => refreshAction(actions, arg),
      plan: (arg) => planAction(actions, arg),
      apply: (arg) => applyAction(actions, arg),
      prepare: (arg, teardown) => prepareAction(actions, arg, teardown),
      doctor: (arg) => doctorAction(actions, arg),
      setWeight: (arg, mode) => weightAction(actions, arg, mode),
      openSshTerminal: async (arg) => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        (require('./actions/sshTerminal') as typeof import('./actions/sshTerminal')).openSshTerminalAction(actions, arg);
      },
      importFromDirector: async () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { importFromDirector } = require('./actions/importActions') as typeof import('./actions/importActions');
        await importFromDirector(ssh, log);
      },
      importRulesFile: async (arg) => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { importRulesFile } = require('./actions/importActions') as typeof import('./actions/importActions');
        await importRulesFile(arg, log);
      },
      checkConfOnDirector: async (arg) => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { checkConfOnDirectorAction, ConfCheckResults } = require('./actions/checkConfOnDirector') as typeof import('./actions/checkConfOnDirector');
        if (!confChecks) { confChecks = new ConfCheckResults(); context.subscriptions.push(confChecks); }
        await checkConfOnDirectorAction(actions, confChecks, arg);
      },
      revealInFile: (arg) => revealInFile(arg),
      createClusterFile: () => createClusterFile(),
      showLog: () => log.show(),
      forgetSecrets: async () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { VscodeSshPrompts } = require('./ssh/vscodePrompts') as typeof import('./ssh/vscodePrompts');
        const n = await new VscodeSshPrompts(context.secrets, context.globalState, log.redactor).forgetAll();
        void vscode.window.showInformationMessage(n ? `Forgot ${n} remembered SSH secret${n === 1 ? '' : 's'}.` : 'No SSH secret was remembered.');
      },
    }),
    { trusted: vscode.workspace.isTrusted },
  );

  context.subscriptions.push(
    log,
    matcher,
    diagnostics,
    workspace,
    live,
    planDocs,
    tree,
    view,
    new LanguageProviders(matcher, LANGUAGE_SERVICES, new QuickFixProvider(diagnostics), QuickFixProvider.metadata),
    vscode.languages.registerCodeLensProvider(matcher.selectorFor('cluster'), new ClusterCodeLenses(workspace)),
    new ClusterStatusBar(workspace, live),
    commands,
    autoRefresh,
    vscode.workspace.onDidGrantWorkspaceTrust(() => commands.update({ trusted: true })),
    vscode.window.registerWebviewPanelSerializer(STATS_VIEW_TYPE, {
      // A panel restored after a reload connects again only in a trusted workspace.
      deserializeWebviewPanel: async (panel, state: unknown) => {
        if (!vscode.workspace.isTrusted) { panel.dispose(); return; }
        await (await stats()).revive(panel, state);
      },
    }),
  );
  const activationMs = performance.now() - started;
  log.info(`LVS Cluster Manager activated in ${activationMs.toFixed(1)} ms`);
  return { activationMs };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
