/** One `exec` channel on an open ssh2 connection: send stdin, collect output, enforce the timeout. */
import type { Client, ClientChannel } from 'ssh2';
import { splitPgidLine } from './processGroup';

export interface ExecResult {
  stdout: Buffer;
  stderr: Buffer;
  exitCode: number | null;
  signal?: string;
  timedOut: boolean;
  /** The caller's AbortSignal fired before the command ended. */
  cancelled: boolean;
  /** The remote process group, when the line was wrapped (`groupedCommandLine`) and said so. */
  pgid?: number;
  /** Set when the channel could not be opened or the connection dropped. */
  transportError?: Error;
  /** The command printed more than `maxOutputBytes` on this stream: it was stopped, the rest dropped. */
  overflow?: 'stdout' | 'stderr';
}

/** Captured stdout and stderr are each capped (a remote command that prints 700 MB is stopped, not buffered). */
export const DEFAULT_MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

export interface ExecOptions {
  signal?: AbortSignal;
  /**
   * The line is wrapped by `groupedCommandLine`: strip its first stdout line and report the group. On timeout
   * or cancel, wait up to this many ms for that line if it has not arrived yet (default 2000).
   */
  grouped?: boolean;
  pgidGraceMs?: number;
  /** Per stream (default DEFAULT_MAX_OUTPUT_BYTES): past it the command is stopped as on a timeout. */
  maxOutputBytes?: number;
}

export function execOnClient(client: Client, line: string, stdin: Buffer | undefined, timeoutMs: number, options: ExecOptions = {}): Promise<ExecResult> {
  return new Promise((resolve) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let exitCode: number | null = null;
    let signal: string | undefined;
    let timedOut = false;
    let cancelled = false;
    let done = false;
    let channel: ClientChannel | undefined;
    let grace: NodeJS.Timeout | undefined;
    let header: { seen: boolean; pgid?: number } = { seen: !options.grouped };
    const cap = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
    let outBytes = 0;
    let errBytes = 0;
    let overflow: 'stdout' | 'stderr' | undefined;

    const finish = (transportError?: Error): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (grace) clearTimeout(grace);
      options.signal?.removeEventListener('abort', onAbort);
      client.removeListener('close', onClientClose);
      if ((timedOut || cancelled || overflow) && channel) {
        try { channel.signal('KILL'); } catch { /* the server may not support signals */ }
        channel.close();
      }
      let stdout: Buffer = Buffer.concat(out);
      if (options.grouped) {
        const split = splitPgidLine(stdout);
        if (split.seen) stdout = split.rest;
        if (split.pgid !== undefined) header = { seen: true, pgid: split.pgid };
      }
      const result: ExecResult = { stdout, stderr: Buffer.concat(err), exitCode, timedOut, cancelled };
      if (header.pgid !== undefined) result.pgid = header.pgid;
      if (signal !== undefined) result.signal = signal;
      if (transportError) result.transportError = transportError;
      if (overflow) result.overflow = overflow;
      resolve(result);
    };
    /** Timeout or cancel: stop now if we know the group (or cannot learn it), else give its line a moment. */
    const stop = (): void => {
      if (header.seen || !channel) { finish(); return; }
      grace ??= setTimeout(() => finish(), options.pgidGraceMs ?? 2000);
    };
    const onClientClose = (): void => finish(exitCode === null && !timedOut && !cancelled && !overflow ? new Error('connection closed before the command finished') : undefined);
    /** Past the cap: keep what fits, stop the command (its group is killed by the runner, as on a timeout). */
    const tooMuch = (stream: 'stdout' | 'stderr'): void => { if (!overflow && !done) { overflow = stream; stop(); } };
    const onAbort = (): void => { if (!done) { cancelled = true; stop(); } };
    const timer = setTimeout(() => { timedOut = true; stop(); }, timeoutMs);
    client.once('close', onClientClose);
    if (options.signal?.aborted) { cancelled = true; finish(); return; }
    options.signal?.addEventListener('abort', onAbort, { once: true });

    client.exec(line, (e, ch) => {
      if (e) { finish(e); return; }
      channel = ch;
      if (done) { ch.close(); return; }
      ch.on('data', (d: Buffer) => {
        if (overflow) return;
        if (outBytes + d.length > cap) { out.push(d.subarray(0, cap - outBytes)); outBytes = cap; tooMuch('stdout'); return; }
        outBytes += d.length;
        out.push(d);
        if (!header.seen) {
          const buf = Buffer.concat(out);
          const split = splitPgidLine(buf);
          // The line is short: once a newline or 64 bytes are there without it, there is none to wait for.
          if (split.seen || buf.includes(0x0a) || buf.length > 64) {
            header = split.pgid === undefined ? { seen: true } : { seen: true, pgid: split.pgid };
            if (timedOut || cancelled || overflow) finish();
          }
        }
      });
      ch.stderr.on('data', (d: Buffer) => {
        if (overflow) return;
        if (errBytes + d.length > cap) { err.push(d.subarray(0, cap - errBytes)); errBytes = cap; tooMuch('stderr'); return; }
        errBytes += d.length;
        err.push(d);
      });
      ch.on('exit', (code: number | null, sig?: string) => {
        if (typeof code === 'number') exitCode = code;
        if (sig) signal = sig;
      });
      ch.on('close', () => finish(exitCode === null && signal === undefined && !timedOut && !cancelled && !overflow ? new Error('channel closed without an exit status') : undefined));
      if (stdin && stdin.length > 0) ch.end(stdin); else ch.end();
    });
  });
}
