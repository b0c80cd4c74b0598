/** One `exec` channel on an open ssh2 connection: send stdin, collect output, enforce the timeout. */
import type { Client, ClientChannel } from 'ssh2';

export interface ExecResult {
  stdout: Buffer;
  stderr: Buffer;
  exitCode: number | null;
  signal?: string;
  timedOut: boolean;
  /** Set when the channel could not be opened or the connection dropped. */
  transportError?: Error;
}

export function execOnClient(client: Client, line: string, stdin: Buffer | undefined, timeoutMs: number): Promise<ExecResult> {
  return new Promise((resolve) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let exitCode: number | null = null;
    let signal: string | undefined;
    let timedOut = false;
    let done = false;
    let channel: ClientChannel | undefined;

    const finish = (transportError?: Error): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      client.removeListener('close', onClientClose);
      const result: ExecResult = { stdout: Buffer.concat(out), stderr: Buffer.concat(err), exitCode, timedOut };
      if (signal !== undefined) result.signal = signal;
      if (transportError) result.transportError = transportError;
      resolve(result);
    };
    const onClientClose = (): void => finish(exitCode === null && !timedOut ? new Error('connection closed before the command finished') : undefined);
    const timer = setTimeout(() => {
      timedOut = true;
      if (channel) {
        try { channel.signal('KILL'); } catch { /* the server may not support signals */ }
        channel.close();
      }
      finish();
    }, timeoutMs);
    client.once('close', onClientClose);

    client.exec(line, (e, ch) => {
      if (e) { finish(e); return; }
      channel = ch;
      if (done) { ch.close(); return; }
      ch.on('data', (d: Buffer) => out.push(d));
      ch.stderr.on('data', (d: Buffer) => err.push(d));
      ch.on('exit', (code: number | null, sig?: string) => {
        if (typeof code === 'number') exitCode = code;
        if (sig) signal = sig;
      });
      ch.on('close', () => finish(exitCode === null && signal === undefined ? new Error('channel closed without an exit status') : undefined));
      if (stdin && stdin.length > 0) ch.end(stdin); else ch.end();
    });
  });
}
