/**
 * The per-director apply lock: `flock` on a file in a directory only root can enter
 * (`/run/vscode-lvs`, owned by root, mode 0700, never a symbolic link), held by a remote `sh` for as long as
 * its exec channel stays open. Who holds it (user, local host, pid, time, cluster) is written into a second
 * file of that directory, so a second apply that cannot get the lock within its wait says who has it.
 *
 * Why a directory of its own (not the world-writable /run/lock): a local user on the director could plant a
 * symbolic link there that root truncates, hold the lock with a forged holder line, or keep a holder
 * waiting. Nobody but root can create, open or replace anything inside a root-owned 0700 directory; the
 * checks refuse a directory that is not exactly that (it is never "fixed" silently). `applyDirector` takes
 * the same lock through its guardian (guardian.ts); `setServerWeight` through this holder.
 */

import { hostname, userInfo } from 'node:os';
import type { ClientChannel } from 'ssh2';
import type { SshPool } from '../ssh/connectionPool';
import { effectiveArgv } from '../ssh/remoteCommand';
import { shellQuote } from '../ssh/shellQuote';

export const LOCK_DIR = '/run/vscode-lvs';
export const LOCK_PATH = `${LOCK_DIR}/lock`;
/** The holder line of whoever has the lock. */
export const HOLDER_PATH = `${LOCK_DIR}/holder`;
/** The holder's exit status when the lock stayed busy for the whole wait. */
export const LOCK_BUSY_EXIT = 75;
/** The holder's exit status when the lock directory is not root's own (or the login is not root). */
export const LOCK_UNSAFE_EXIT = 70;

/**
 * Shell lines (POSIX sh and bash) that check the lock directory `$d`, open `$d/lock` on fd 9 and take it
 * within `$wait` seconds, printing `ERR …` (exit 70) or `BUSY <holder>` (exit 75) otherwise. The holder
 * text printed is at most 300 printable characters (it is root's file, but never trusted to be short).
 */
export const LOCK_PRELUDE = [
  `err() { printf 'ERR %s\\n' "$*"; exit ${LOCK_UNSAFE_EXIT}; }`,
  '[ "${EUID:-$(id -u)}" = 0 ] || err "the apply lock needs root on the director (a root login, or sudo: true)"',
  '[ -L "$d" ] && err "$d is a symbolic link; refusing to use it"',
  '[ -e "$d" ] || mkdir -m 0700 "$d" 2>/dev/null',
  '[ -d "$d" ] && [ ! -L "$d" ] || err "$d is not a directory"',
  'o=$(stat -c %u:%a "$d") || err "cannot stat $d"',
  '[ "$o" = 0:700 ] || err "$d must be owned by root with mode 0700 (found uid:mode $o); remove it so that lvsctl recreates it"',
  'for p in "$d/lock" "$d/holder"; do if [ -L "$p" ] || { [ -e "$p" ] && [ ! -f "$p" ]; }; then err "$p is not a regular file"; fi; done',
  'exec 9>>"$d/lock" || err "cannot open $d/lock"',
  `if ! flock -w "$wait" 9; then printf 'BUSY %s\\n' "$(head -c 300 "$d/holder" 2>/dev/null | tr -cd '[:print:]')"; exit ${LOCK_BUSY_EXIT}; fi`,
  'printf "%s\\n" "$info" > "$d/holder"',
].join('\n');

const SCRIPT = [
  'd=$1; info=$2; wait=$3',
  LOCK_PRELUDE,
  'echo LOCKED',
  'cat >/dev/null',
  ': > "$d/holder"',
].join('\n');

/** The holder as a value: argv only (it is run on a channel that stays open, not by runCommand). */
export interface LockSpec {
  argv: readonly string[];
  /** Seconds the remote flock waits for the lock. */
  waitSeconds: number;
}

/** One line of printable text for the holder file. */
export function holderLine(info: string): string {
  return info.replace(/[^\x20-\x7e]/g, ' ').slice(0, 300);
}

export function lockSpec(holderInfo: string, waitSeconds: number, dir = LOCK_DIR): LockSpec {
  return { argv: ['sh', '-c', SCRIPT, 'sh', dir, holderLine(holderInfo), String(Math.max(0, Math.floor(waitSeconds)))], waitSeconds };
}

export class LockBusyError extends Error {
  override readonly name = 'LockBusyError';
  constructor(readonly host: string, readonly holder: string, waitSeconds: number) {
    super(`${host}: another apply holds the IPVS lock ${LOCK_PATH} (${holder || 'holder unknown'}); waited ${waitSeconds} s`);
  }
}

/** The error for a holder (or guardian) that ended before it took the lock. */
export function lockFailure(host: string, out: string, errText: string, waitSeconds: number): Error {
  const busy = /^BUSY (.*)$/m.exec(out);
  if (busy) return new LockBusyError(host, busy[1].trim(), waitSeconds);
  const unsafe = /^ERR (.*)$/m.exec(out);
  return new Error(`${host}: could not take the IPVS lock ${LOCK_PATH}: ${unsafe?.[1].trim() ?? (errText.trim() || out.trim() || 'the holder exited')}`);
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
            reject(lockFailure(host, out, errText, spec.waitSeconds));
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
export function holderInfo(parts: { tool?: string; user: string; localHost: string; pid: number; cluster: string; now?: Date }): string {
  return `${parts.tool ?? 'lvsctl'} pid ${parts.pid} by ${parts.user}@${parts.localHost} since ${(parts.now ?? new Date()).toISOString()} (cluster ${parts.cluster})`;
}

/** The holder line of this process (`lvsctl` or `VS Code (LVS)`): who holds a director's lock, shown to whoever waits. */
export function localHolder(tool: 'lvsctl' | 'VS Code (LVS)', cluster: string): string {
  return holderInfo({ tool, user: userInfo().username, localHost: hostname(), pid: process.pid, cluster });
}

/** lvsctl's commit generation: a new random token after every change an apply (or its guardian) makes. */
export const GENERATION_PATH = `${LOCK_DIR}/generation`;
