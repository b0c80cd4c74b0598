/**
 * The per-director apply lock: `flock` on a file under /run/lock, held by a remote `sh` for as long as its
 * exec channel stays open. The holder writes who it is (user, local host, pid, time, cluster) into the lock
 * file, so a second apply that cannot get the lock within its wait says who has it. When the SSH
 * connection dies, sshd closes the channel, the holder's `cat` sees EOF and the lock is released: a
 * crashed lvsctl never leaves a stale lock (the holder first waits for a batch still running, see below).
 */

import type { ClientChannel } from 'ssh2';
import type { SshPool } from '../ssh/connectionPool';
import { effectiveArgv } from '../ssh/remoteCommand';
import { shellQuote } from '../ssh/shellQuote';

export const LOCK_PATH = '/run/lock/vscode-lvs-ipvs.lock';
/** The pid of the `ipvsadm -R` batch running under the lock (see restoreBatch.ts). */
export const BATCH_PID_PATH = '/run/lock/vscode-lvs-ipvs.batch';
/** The holder's exit status when the lock stayed busy for the whole wait. */
export const LOCK_BUSY_EXIT = 75;

const SCRIPT = [
  'f=$1; info=$2; wait=$3',
  'mkdir -p "${f%/*}" || exit 70',
  'exec 9>>"$f" || exit 70',
  `if ! flock -w "$wait" 9; then printf 'BUSY %s\\n' "$(cat "$f")"; exit ${LOCK_BUSY_EXIT}; fi`,
  'printf "%s\\n" "$info" > "$f"',
  'echo LOCKED',
  'cat >/dev/null',
  // Connection lost mid-batch: an orphaned ipvsadm -R may still run; keep the lock until it has finished,
  // so a rollback (which needs the lock) reads the table after it.
  `b=${BATCH_PID_PATH}`,
  'while [ -s "$b" ] && kill -0 "$(cat "$b")" 2>/dev/null; do sleep 0.1; done',
  'rm -f "$b"',
  ': > "$f"',
].join('\n');

/** The holder as a value: argv only (it is run on a channel that stays open, not by runCommand). */
export interface LockSpec {
  argv: readonly string[];
  /** Seconds the remote flock waits for the lock. */
  waitSeconds: number;
}

export function lockSpec(holderInfo: string, waitSeconds: number, path = LOCK_PATH): LockSpec {
  return { argv: ['sh', '-c', SCRIPT, 'sh', path, holderInfo.replace(/[\r\n]/g, ' '), String(Math.max(0, Math.floor(waitSeconds)))], waitSeconds };
}

export class LockBusyError extends Error {
  override readonly name = 'LockBusyError';
  constructor(readonly host: string, readonly holder: string, waitSeconds: number) {
    super(`${host}: another apply holds the IPVS lock ${LOCK_PATH} (${holder || 'holder unknown'}); waited ${waitSeconds} s`);
  }
}

export interface HeldLock {
  /** Releases the lock (closes the holder's stdin). */
  release(): void;
  /** True once the holder's channel or its connection closed before release (the lock is gone). */
  readonly lost: boolean;
}

/** Takes the lock on `host`; resolves once it is held. */
export function acquireLock(pool: SshPool, host: string, spec: LockSpec): Promise<HeldLock> {
  return new Promise<HeldLock>((resolve, reject) => {
    let settled = false;
    pool.withConnection(host, (conn) => new Promise<void>((done) => {
      const line = shellQuote(effectiveArgv(spec.argv, conn.host.sudo ? 'non-interactive' : 'none'));
      conn.client.exec(line, (err: Error | undefined, ch: ClientChannel) => {
        if (err) { settled = true; reject(err); done(); return; }
        let out = '';
        let errText = '';
        let released = false;
        let lost = false;
        const held: HeldLock = {
          release: () => { if (!released) { released = true; ch.end(); } },
          get lost() { return lost; },
        };
        ch.on('data', (d: Buffer) => {
          out += d.toString('utf8');
          if (!settled && /^LOCKED$/m.test(out)) { settled = true; resolve(held); }
        });
        ch.stderr.on('data', (d: Buffer) => { errText += d.toString('utf8'); });
        // The connection is the lock: once it is gone, so is the lock (the channel's own close comes later).
        conn.onClose(() => { if (!released) lost = true; });
        ch.on('close', () => {
          if (!released) lost = true;
          if (!settled) {
            settled = true;
            const busy = /^BUSY (.*)$/m.exec(out);
            if (busy) reject(new LockBusyError(host, busy[1].trim(), spec.waitSeconds));
            else reject(new Error(`${host}: could not take the IPVS lock ${LOCK_PATH}: ${errText.trim() || out.trim() || 'the holder exited'}`));
          }
          done();
        });
      });
    })).catch((e: unknown) => {
      if (!settled) { settled = true; reject(e instanceof Error ? e : new Error(String(e))); }
    });
  });
}

/** Who we are, for the lock file. */
export function holderInfo(parts: { user: string; localHost: string; pid: number; cluster: string; now?: Date }): string {
  return `lvsctl pid ${parts.pid} by ${parts.user}@${parts.localHost} since ${(parts.now ?? new Date()).toISOString()} (cluster ${parts.cluster})`;
}
