/**
 * An interactive shell on a host, over the pool's connection to it (same resolution, host-key checks and
 * credentials as every command): a pty of the given size, output as decoded text (UTF-8 split across chunks
 * stays whole), input, resize, close. The pool keeps the connection while the session lives. The extension's
 * "Open SSH Terminal" is a thin Pseudoterminal over this.
 */
import { StringDecoder } from 'node:string_decoder';
import type { SshPool } from './connectionPool';

export interface ShellSize {
  rows: number;
  cols: number;
}

export interface ShellHandlers {
  /** Output (stdout and stderr of the pty), decoded. */
  data(text: string): void;
  /** The shell ended (exit, connection lost, close()); `error` when it could not start or the link broke. */
  closed(error?: Error): void;
}

export interface ShellSession {
  write(data: string): void;
  resize(size: ShellSize): void;
  close(): void;
}

interface ShellStream {
  write(data: string): boolean;
  end(): void;
  close?(): void;
  setWindow(rows: number, cols: number, height: number, width: number): void;
  on(event: 'data', listener: (data: Buffer) => void): this;
  on(event: 'close', listener: () => void): this;
  stderr: { on(event: 'data', listener: (data: Buffer) => void): unknown };
}

interface ShellClient {
  shell(window: { term: string; rows: number; cols: number }, callback: (err: Error | undefined, stream: ShellStream) => void): unknown;
}

/** Opens a shell; returns at once (output and the end arrive through `handlers`). */
export function openShell(pool: Pick<SshPool, 'withConnection'>, host: string, size: ShellSize, handlers: ShellHandlers, term = 'xterm-256color'): ShellSession {
  let stream: ShellStream | undefined;
  let wanted: ShellSize | undefined;
  /** Input typed before the shell is open. */
  let pending = '';
  let closing = false;
  let ended = false;
  const end = (error?: Error): void => {
    if (ended) return;
    ended = true;
    handlers.closed(error);
  };
  void pool.withConnection(host, (conn) => new Promise<void>((done) => {
    if (closing) { done(); end(); return; }
    (conn.client as unknown as ShellClient).shell({ term, rows: size.rows, cols: size.cols }, (err, s) => {
      if (err) { done(); end(new Error(`${host}: cannot open a shell: ${err.message}`)); return; }
      stream = s;
      if (wanted) s.setWindow(wanted.rows, wanted.cols, 0, 0);
      if (pending) { s.write(pending); pending = ''; }
      const out = new StringDecoder('utf8');
      const errOut = new StringDecoder('utf8');
      s.on('data', (d) => { const t = out.write(d); if (t) handlers.data(t); });
      s.stderr.on('data', (d) => { const t = errOut.write(d); if (t) handlers.data(t); });
      s.on('close', () => { done(); end(); });
      if (closing) s.end();
    });
  })).catch((err: Error) => end(err));
  return {
    write: (data) => { if (stream) stream.write(data); else pending += data; },
    resize: (next) => { wanted = next; stream?.setWindow(next.rows, next.cols, 0, 0); },
    close: () => { closing = true; if (stream) { stream.end(); stream.close?.(); } },
  };
}
