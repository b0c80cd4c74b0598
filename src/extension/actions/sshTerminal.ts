/**
 * "Open SSH Terminal": a VS Code terminal whose Pseudoterminal is a shell session on our own SSH connection to
 * the host (src/core/ssh/shellSession.ts): same resolution, host-key checks and credentials as every action,
 * no `ssh` binary needed.
 */
import * as vscode from 'vscode';
import type { SshPool } from '../../core/ssh/connectionPool';
import { openShell } from '../../core/ssh/shellSession';
import type { ShellSession } from '../../core/ssh/shellSession';
import { isClusterNode } from '../targets';
import type { ActionContext } from './actionTarget';

/** `lvs.openSshTerminal` on a director or real server row of the Clusters view. */
export function openSshTerminalAction(ctx: ActionContext, arg?: unknown): void {
  if (!isClusterNode(arg) || (arg.kind !== 'director' && arg.kind !== 'server')) {
    void vscode.window.showInformationMessage('Choose a director or a real server in the Clusters view (right-click → Open SSH Terminal).');
    return;
  }
  const host = arg.host;
  const entry = ctx.workspace.get(arg.file);
  if (host === undefined || !entry) return;
  ctx.log.info(`[terminal] ${host}: opening a shell`);
  openSshTerminal(ctx.ssh().poolFor(entry.uri, entry.model), host, `SSH ${host}`);
}

export function openSshTerminal(pool: SshPool, host: string, title: string): vscode.Terminal {
  const write = new vscode.EventEmitter<string>();
  const close = new vscode.EventEmitter<number | void>();
  let session: ShellSession | undefined;
  /** After a failure the terminal stays open to show why, until a key is pressed. */
  let failed = false;
  const pty: vscode.Pseudoterminal = {
    onDidWrite: write.event,
    onDidClose: close.event,
    open: (dims) => {
      write.fire(`\x1b[2mConnecting to ${host}…\x1b[0m\r\n`);
      session = openShell(pool, host, { rows: dims?.rows ?? 24, cols: dims?.columns ?? 80 }, {
        data: (text) => write.fire(text),
        closed: (error) => {
          if (!error) { close.fire(0); return; }
          failed = true;
          write.fire(`\x1b[31m${error.message}\x1b[0m\r\n\x1b[2m(press any key to close)\x1b[0m`);
        },
      });
    },
    close: () => session?.close(),
    handleInput: (data) => { if (failed) close.fire(1); else session?.write(data); },
    setDimensions: (dims) => session?.resize({ rows: dims.rows, cols: dims.columns }),
  };
  const terminal = vscode.window.createTerminal({ name: title, pty, iconPath: new vscode.ThemeIcon('server') });
  terminal.show();
  return terminal;
}
