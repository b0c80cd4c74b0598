/**
 * Every `lvs.*` command, built from one table (STYLE.md §3, after rust-analyzer's `createCommands()`).
 * A command has an `enabled` variant and, when it needs something the workspace may lack (trust, later a
 * cluster file or a reachable host), a `disabled` variant that says why. The registry registers the right
 * variant for the current state and swaps them when the state changes — no `if (!ready)` in handlers.
 */

import * as vscode from 'vscode';
import type { CommandId } from './commandIds';

export type CommandHandler = (...args: unknown[]) => unknown;

export interface CommandState {
  /** `workspace.isTrusted`. */
  trusted: boolean;
}

export interface CommandSpec {
  enabled: CommandHandler;
  /** Registered instead of `enabled` when `available(state)` is false. */
  disabled?: CommandHandler;
  /** When the enabled variant can run; always when absent. */
  available?: (state: CommandState) => boolean;
}

export type CommandTable = Readonly<Record<CommandId, CommandSpec>>;

export interface CommandServices {
  validateAll(): Promise<void>;
  /** Opens the statistics panel of a cluster (a tree node, `{file, cluster}`, a cluster file's Uri, or nothing). */
  showStats(arg?: unknown): Promise<void>;
  refresh(arg?: unknown): Promise<void>;
  plan(arg?: unknown): Promise<void>;
  apply(arg?: unknown): Promise<void>;
  prepare(arg: unknown, teardown: boolean): Promise<void>;
  doctor(arg?: unknown): Promise<void>;
  setWeight(arg: unknown, mode: 'drain' | 'restore' | 'ask'): Promise<void>;
  openSshTerminal(arg?: unknown): Promise<void>;
  revealInFile(arg?: unknown): Promise<void>;
  createClusterFile(): Promise<void>;
  showLog(): void;
  forgetSecrets(): Promise<void>;
  importFromDirector(): Promise<void>;
  /** An ipvsadm rules file's Uri (Explorer), or the active rules editor. */
  importRulesFile(arg?: unknown): Promise<void>;
  /** A keepalived.conf's Uri (Explorer), or the active keepalived editor. */
  checkConfOnDirector(arg?: unknown): Promise<void>;
}

/** A command that connects to hosts: only in a trusted workspace; otherwise it says why. */
function hostAction(what: string, run: CommandHandler): CommandSpec {
  return { enabled: run, disabled: needsTrust(what), available: (state) => state.trusted };
}

export function createCommands(services: CommandServices): CommandTable {
  return {
    // These read files or only show things: available in untrusted workspaces too.
    'lvs.validateAll': { enabled: () => services.validateAll() },
    'lvs.revealInFile': { enabled: (arg?: unknown) => services.revealInFile(arg) },
    'lvs.createClusterFile': { enabled: () => services.createClusterFile() },
    'lvs.showLog': { enabled: () => services.showLog() },
    'lvs.forgetSecrets': { enabled: () => services.forgetSecrets() },
    'lvs.importRulesFile': { enabled: (arg?: unknown) => services.importRulesFile(arg) },
    // Everything else connects to the hosts named by the workspace's files.
    'lvs.showStats': hostAction('Showing connection statistics', (arg?: unknown) => services.showStats(arg)),
    'lvs.refresh': hostAction('Reading the live state', (arg?: unknown) => services.refresh(arg)),
    'lvs.plan': hostAction('Planning', (arg?: unknown) => services.plan(arg)),
    'lvs.apply': hostAction('Applying', (arg?: unknown) => services.apply(arg)),
    'lvs.prepareHosts': hostAction('Preparing hosts', (arg?: unknown) => services.prepare(arg, false)),
    'lvs.teardownHosts': hostAction('Tearing down host preparation', (arg?: unknown) => services.prepare(arg, true)),
    'lvs.runDoctor': hostAction('Running the doctor', (arg?: unknown) => services.doctor(arg)),
    'lvs.drainServer': hostAction('Draining a real server', (arg?: unknown) => services.setWeight(arg, 'drain')),
    'lvs.restoreServer': hostAction('Restoring a real server', (arg?: unknown) => services.setWeight(arg, 'restore')),
    'lvs.setWeight': hostAction('Setting a weight', (arg?: unknown) => services.setWeight(arg, 'ask')),
    'lvs.openSshTerminal': hostAction('Opening an SSH terminal', (arg?: unknown) => services.openSshTerminal(arg)),
    'lvs.importFromDirector': hostAction('Importing a cluster from a director', () => services.importFromDirector()),
    'lvs.checkConfOnDirector': hostAction('Checking a keepalived.conf on a director', (arg?: unknown) => services.checkConfOnDirector(arg)),
  };
}

/** A disabled variant for commands that act on hosts: explains, offers to manage trust. */
export function needsTrust(what: string): CommandHandler {
  return async () => {
    const choice = await vscode.window.showWarningMessage(
      `${what} is disabled in an untrusted workspace: it would connect to hosts named by files of this workspace.`,
      'Manage Workspace Trust',
    );
    if (choice) await vscode.commands.executeCommand('workbench.trust.manage');
  };
}

export class CommandRegistry implements vscode.Disposable {
  private registrations: vscode.Disposable[] = [];

  constructor(
    private readonly table: CommandTable,
    private state: CommandState,
  ) {
    this.register();
  }

  update(state: CommandState): void {
    this.state = state;
    this.register();
  }

  private register(): void {
    this.disposeRegistrations();
    for (const [id, spec] of Object.entries(this.table) as [CommandId, CommandSpec][]) {
      const usable = spec.available ? spec.available(this.state) : true;
      const handler = usable ? spec.enabled : spec.disabled ?? spec.enabled;
      this.registrations.push(vscode.commands.registerCommand(id, handler));
    }
  }

  private disposeRegistrations(): void {
    for (const d of this.registrations) d.dispose();
    this.registrations = [];
  }

  dispose(): void {
    this.disposeRegistrations();
  }
}
