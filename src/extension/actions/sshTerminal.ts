/**
 * "Open SSH Terminal": a VS Code terminal backed by a Pseudoterminal on our own SSH connection to the host
 * (same resolution, host-key checks and credentials as every action; no `ssh` binary needed). The pool keeps
 * the connection open while the terminal lives.
 */
import { StringDecoder } from 'node:string_decoder';
import * as vscode from 'vscode';
import type { SshPool } from '../../core/ssh/connectionPool';

interface ShellStream {
  write(data: string): boolean;
  end(): void;
  setWindow(rows: number, cols: number, height: number, width: number): void;
  on(event: 'data', listener: (data: Buffer) => void): this;
  on(event: 'close', listener: () => void): this;
  stderr: { on(event: 'data', listener: (data: Buffer) => void): unknown };
}

interface ShellClient {
  shell(window: { term: string; rows: number; cols: number }, callback: (err: Error | undefined, stream: ShellStream) => void): unknown;
}

export function openSshTerminal(pool: SshPool, host: string, title: string): vscode.Terminal {
  const write = new vscode.EventEmitter<string>();
  const close = new vscode.EventEmitter<number | void>();
  let stream: ShellStream | undefined;
  let pendingSize: vscode.TerminalDimensions | undefined;
  let closed = false;
  const pty: vscode.Pseudoterminal = {
    onDidWrite: write.event,
    onDidClose: close.event,
    open: (dims) => {
      write.fire(`\x1b[2mConnecting to ${host}…\x1b[0m\r\n`);
      void pool.withConnection(host, (conn) => new Promise<void>((done) => {
        (conn.client as unknown as ShellClient).shell({ term: 'xterm-256color', rows: dims?.rows ?? 24, cols: dims?.columns ?? 80 }, (err, s) => {
          if (err) { write.fire(`\x1b[31m${host}: cannot open a shell: ${err.message}\x1b[0m\r\n`); close.fire(1); done(); return; }
          stream = s;
          if (pendingSize) s.setWindow(pendingSize.rows, pendingSize.columns, 0, 0);
          const out = new StringDecoder('utf8');
          const errOut = new StringDecoder('utf8');
          s.on('data', (d) => write.fire(out.write(d)));
          s.stderr.on('data', (d) => write.fire(errOut.write(d)));
          s.on('close', () => { if (!closed) { closed = true; close.fire(0); } done(); });
          if (closed) s.end();
        });
      })).catch((err: Error) => {
        write.fire(`\x1b[31m${host}: ${err.message}\x1b[0m\r\n`);
        close.fire(1);
      });
    },
    close: () => { closed = true; stream?.end(); },
    handleInput: (data) => { stream?.write(data); },
    setDimensions: (dims) => { pendingSize = dims; stream?.setWindow(dims.rows, dims.columns, 0, 0); },
  };
  const terminal = vscode.window.createTerminal({ name: title, pty, iconPath: new vscode.ThemeIcon('server') });
  terminal.show();
  return terminal;
}
