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
  /** Opens the statistics panel of a cluster (argument: a cluster file's Uri from a menu, optional). */
  showStats(arg?: unknown): Promise<void>;
}

export function createCommands(services: CommandServices): CommandTable {
  return {
    // Validation reads files only: available in untrusted workspaces too.
    'lvs.validateAll': { enabled: () => services.validateAll() },
    // Statistics connect to the directors over SSH: trusted workspaces only.
    'lvs.showStats': {
      enabled: (arg?: unknown) => services.showStats(arg),
      disabled: needsTrust('Showing connection statistics'),
      available: (state) => state.trusted,
    },
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
