/**
 * Questions on the terminal (stdin/stderr), one at a time — hosts run in parallel and may all ask. The callers
 * check for a TTY first; without one nothing is asked.
 */
import { createInterface } from 'node:readline';
import type { CliIo } from './cliIo';

let queue: Promise<unknown> = Promise.resolve();

/** The answer to `question`; `hidden` echoes nothing of it (secrets). Ctrl-C answers ''. */
export function ask(question: string, hidden = false): Promise<string> {
  const next = queue.then(() => new Promise<string>((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    if (hidden) {
      const write = (rl as unknown as { _writeToOutput?: (s: string) => void });
      write._writeToOutput = (s: string) => { if (s.includes(question)) process.stderr.write(question); else if (/\r|\n/.test(s)) process.stderr.write('\n'); };
    }
    rl.on('SIGINT', () => { rl.close(); resolve(''); });
    rl.question(question, (answer) => { rl.close(); resolve(answer); });
  }));
  queue = next.catch(() => undefined);
  return next;
}

/** A y/N question: true only for y or yes. */
export async function confirm(question: string): Promise<boolean> {
  return /^y(es)?$/i.test((await ask(question)).trim());
}

/**
 * lvsctl apply's question before changing directors: true with --yes or a "y" on the terminal; without a
 * terminal (and no --yes) nothing can be asked and nothing is applied. Says why on io when it answers false.
 */
export async function approveApply(io: CliIo, yes: boolean): Promise<boolean> {
  if (yes) return true;
  if (!process.stdin.isTTY) {
    io.stderr.write('lvsctl apply: stdin is not a terminal; pass --yes to apply without asking\n');
    return false;
  }
  if (await confirm('Apply these changes? [y/N] ')) return true;
  io.stdout.write('Not applied.\n');
  return false;
}
