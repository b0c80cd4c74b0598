/**
 * The apply guardian: ONE remote bash script, run on the director for the length of an apply, that holds the
 * apply lock (remoteLock.ts's directory and checks), the snapshot and the rollback, and restores the snapshot
 * BY ITSELF when the client goes away before it commits. The client talks to it over the exec channel's
 * stdin/stdout with a small line protocol; the director is never left half-applied by a dead client.
 *
 *   client → guardian                              guardian → client
 *                                                   LOCKED (or BUSY <holder> / ERR <why>, then exit)
 *                                                   LAST <what a previous guardian did alone>  (once)
 *                                                   the live state (mode full) or its digest, @@lvsctl-done
 *   SYSCTL n=v …  / SYSCTL-BACK n=v …  (optional)  @@lvsctl-done
 *   MANAGED <bytes>\n<the managed record>           @@lvsctl-done
 *   BEGIN <fwd bytes> <back bytes> <confirm s> [table-only|proc]\n<the batch><the rollback batch>
 *                                                   BATCH <rc>, BATCH-ERR <line>…, the live state (or only
 *                                                   /proc/net/ip_vs: procReadback.ts), @@lvsctl-done
 *   COMMIT                                          COMMITTED, @@lvsctl-done
 *   ROLLBACK                                        ROLLED-BACK <rc>, the live state, @@lvsctl-done
 *   RUN <bytes>\n<lines>  (an ipvsadm -R batch)     BATCH <rc>, BATCH-ERR …, @@lvsctl-done
 *   READ                                            the live state, @@lvsctl-done
 *
 * After BEGIN and before COMMIT, the guardian restores the snapshot itself (sysctls back, then the rollback
 * batch with `ipvsadm -R`) when its stdin ends (connection lost, client killed), when no command came for
 * `idle` seconds, or — with a confirmation window (`confirm s` > 0) — when the window ends unconfirmed. In a
 * confirmation window the end of stdin does NOT roll back at once: `lvsctl apply --confirm` from another
 * session confirms by writing the pending token (`$d/pending`, root's 0700 directory) into `$d/commit`.
 * What a guardian did on its own is written to `$d/last` and printed to the next apply (`LAST`).
 *
 * Surviving the session: the script is started through `setsid -w` (a session and process group of its own,
 * so a signal to the SSH session's group does not reach it), ignores SIGHUP and SIGPIPE, and never needs its
 * stdout (writes to a closed channel just fail). `ipvsadm -R` reads its lines from a file of `$d`, never from
 * the channel, so a batch always runs whole. Nothing but the lock protocol ends a guardian early: a later
 * apply waits on the lock, which the guardian releases when it exits (committed, rolled back, or idle).
 *
 * The rollback batch is computed by the client before BEGIN: the plan from the table the batch would leave
 * back to the snapshot (forced). It is correct from any prefix of the batch too: each line either reverts
 * its step or is refused by the kernel as a no-op ("No such service", "Destination already exists"), and
 * `-E`/`-e` lines carry every setting.
 */
import type { ClientChannel } from 'ssh2';
import type { SshPool } from '../ssh/connectionPool';
import { effectiveArgv } from '../ssh/remoteCommand';
import { shellQuote } from '../ssh/shellQuote';
import type { LiveState } from './liveState';
import { LIVE_STATE_SCRIPT, parseLiveState, splitSections } from './liveState';
import { tableDigest } from './tableDigest';
import { GENERATION_PATH, LOCK_DIR, LOCK_PRELUDE, holderLine, lockFailure } from './remoteLock';

export const DONE_MARK = '@@lvsctl-done';

/** The guardian's own body after the lock (bash: `read -t`). `$d` is the lock directory. */
const GUARDIAN = [
  'd=$1; info=$2; wait=$3; idle=$4; mode=$5; managed=$6',
  'LC_ALL=C; export LC_ALL',
  "trap '' HUP PIPE",
  'umask 077',
  LOCK_PRELUDE,
  'out() { printf "%s\\n" "$@" 2>/dev/null; }',
  'done_() { out "' + DONE_MARK + '"; }',
  // /proc/net/ip_vs by mapfile (bash reads it itself: no cat).
  'proc() { local a; mapfile a 2>/dev/null < /proc/net/ip_vs; printf "%s" "${a[@]}"; }',
  `state() { sh -c ${shellQuote([LIVE_STATE_SCRIPT])} sh "$managed" "$1" 2>/dev/null; }`,
  // One random draw for the confirmation token and this guardian's generation prefix; each change then
  // writes prefix-N without a process.
  // ($SRANDOM: bash 5.1's getrandom(2); od on older bash.)
  'if [ -n "${SRANDOM:-}" ]; then printf -v r "%08x%08x%08x%08x" "$SRANDOM" "$SRANDOM" "$SRANDOM" "$SRANDOM"; else r=$(od -An -N16 -tx1 /dev/urandom | tr -d " \\n"); fi',
  'pend=${r:0:16}; gbase=${r:16:16}; gn=0',
  'newgen() { gn=$((gn+1)); printf "%s-%s\\n" "$gbase" "$gn" > "$d/generation"; }',
  'cleanup() { rm -f "$d/commit" "$d/pending" "$d/batch" "$d/rollback" "$d/managed.new"; }',
  'for f in commit pending batch rollback managed.new; do [ -e "$d/$f" ] && { cleanup; break; }; done',
  'out LOCKED',
  'if [ -s "$d/last" ]; then out "LAST $(head -c 600 "$d/last" | tr -cd "[:print:] ")"; rm -f "$d/last"; fi',
  // digest mode: the digest's input (tableDigest.ts), hashed by the client: no awk over the table here.
  `if [ "$mode" = full ]; then state; else out "@@lvsctl-section gen"; g=; IFS= read -r g 2>/dev/null < ${GENERATION_PATH}; out "$g" "@@lvsctl-section proc"; proc; out "@@lvsctl-section-rc proc 0"; fi`,
  'done_',
  'changed=0; deadline=; eof=0; sysfwd=; sysback=',
  // A payload of $1 bytes into file $2, within 120 s: small ones by read -N (no process), big ones by head.
  'block() {',
  '  if [ "$1" -le 16384 ]; then local x=; IFS= read -r -N "$1" -t 120 x || [ "$1" = 0 ] || return 1; [ "${#x}" = "$1" ] && printf "%s" "$x" > "$2"',
  '  else timeout 120 head -c "$1" > "$2"; [ "$(wc -c < "$2")" = "$1" ]; fi',
  '}',
  'batch() { ipvsadm -R < "$1" 2> "$d/err"; local r=$?; out "BATCH $r"; while IFS= read -r l; do out "BATCH-ERR $l"; done < "$d/err"; }',
  // The record and the generation before COMMITTED is sent; the temporary files after it.
  'commit() {',
  '  [ -f "$d/managed.new" ] && { [ -d "${managed%/*}" ] || mkdir -p "${managed%/*}"; mv -f "$d/managed.new" "$managed"; }',
  '  newgen; changed=0; deadline=',
  '}',
  'rollback() {',
  '  [ -n "$sysback" ] && sysctl -q -w $sysback',
  '  ipvsadm -R < "$d/rollback" 2> "$d/err"; local r=$?',
  '  newgen; changed=0; deadline=; rm -f "$d/pending" "$d/commit" "$d/managed.new"',
  '  return $r',
  '}',
  'alone() { rollback; printf "%s: rolled back by the director (%s), for %s\\n" "$(date -u +%FT%TZ)" "$1" "$info" > "$d/last"; exit 0; }',
  'while :; do',
  '  if [ "$changed" = 1 ] && [ -n "$deadline" ]; then',
  '    if [ -f "$d/commit" ] && [ "$(head -c 64 "$d/commit")" = "$pend" ]; then commit; cleanup; continue; fi',
  '    [ "$(date +%s)" -ge "$deadline" ] && alone "not confirmed in time"',
  '    t=1',
  '  else t=$idle; fi',
  '  if [ "$eof" = 1 ]; then',
  '    [ "$changed" = 1 ] && [ -n "$deadline" ] || break',
  '    sleep 1; continue',
  '  fi',
  '  if read -r -t "$t" cmd a1 a2 a3 a4; then :; else',
  '    r=$?',
  '    if [ "$r" -gt 128 ]; then',
  '      [ -n "$deadline" ] && continue',
  '      [ "$changed" = 1 ] && alone "no word from the client for $idle s"',
  '      break',
  '    fi',
  '    eof=1',
  '    [ "$changed" = 1 ] && [ -z "$deadline" ] && alone "the client went away before it committed"',
  '    continue',
  '  fi',
  '  case $cmd in',
  '    SYSCTL|SYSCTL-BACK)',
  '      v="$a1${a2:+ $a2}${a3:+ $a3}"',
  '      for x in $v; do [[ $x =~ ^net\\.ipv4\\.vs\\.[a-z0-9_]+=-?[0-9]+$ ]] || { out "ERR bad sysctl $x"; exit 71; }; done',
  '      if [ "$cmd" = SYSCTL ]; then sysfwd=$v; else sysback=$v; fi; done_ ;;',
  '    MANAGED) block "$a1" "$d/managed.new" || exit 71; done_ ;;',
  '    BEGIN)',
  '      [ "$changed" = 0 ] || { out "ERR a transaction is already open"; exit 71; }',
  '      block "$a1" "$d/batch" && block "$a2" "$d/rollback" || exit 71',
  '      changed=1',
  '      if [ "$a3" -gt 0 ] 2>/dev/null; then deadline=$(( $(date +%s) + a3 )); printf "%s\\n" "$pend" > "$d/pending"; fi',
  '      [ -n "$sysfwd" ] && sysctl -q -w $sysfwd',
  '      batch "$d/batch"',
  '      case $a4 in proc) out "@@lvsctl-section proc"; proc ;; table-only) state table-only ;; *) state ;; esac; done_ ;;',
  '    COMMIT) [ "$changed" = 1 ] && commit; out COMMITTED; done_; cleanup ;;',
  '    ROLLBACK) if [ "$changed" = 1 ]; then rollback; out "ROLLED-BACK $?"; else out "ROLLED-BACK 0"; fi; state; done_ ;;',
  '    RUN) block "$a1" "$d/run" || exit 71; batch "$d/run"; newgen; done_ ;;',
  '    READ) state; done_ ;;',
  '    EXIT) break ;;',
  '    *) out "ERR unknown command"; exit 71 ;;',
  '  esac',
  'done',
  '[ "$changed" = 1 ] && alone "the client closed the session before it committed"',
  ': > "$d/holder"',
].join('\n');

export interface GuardianSpec {
  argv: readonly string[];
  waitSeconds: number;
}

/**
 * The guardian's argv: `setsid -w bash -c GUARDIAN …`. `mode` full: the live state is read under the lock;
 * digest: only the cheap digest (the caller already has the state the plan was made from).
 */
export function guardianSpec(parts: { holder: string; waitSeconds: number; idleSeconds: number; mode: 'full' | 'digest'; managedPath: string }, dir = LOCK_DIR): GuardianSpec {
  const wait = String(Math.max(0, Math.floor(parts.waitSeconds)));
  const idle = String(Math.max(5, Math.floor(parts.idleSeconds)));
  return {
    argv: ['setsid', '-w', 'bash', '-c', GUARDIAN, 'bash', dir, holderLine(parts.holder), wait, idle, parts.mode, parts.managedPath],
    waitSeconds: parts.waitSeconds,
  };
}

export interface BatchReply {
  exitCode: number;
  stderr: string;
}

/** One guardian on one director, as the client sees it. Requests are sequential. */
export interface GuardianSession {
  /** The state read under the lock (mode full), or only its digest (mode digest). */
  readonly first: { state?: LiveState; digest?: string };
  /** What a previous guardian did on its own (rolled back after its client left), if anything. */
  readonly last?: string;
  /** True once the channel or connection closed before `close()`. */
  readonly lost: boolean;
  sysctls(forward: readonly string[], back: readonly string[]): Promise<void>;
  managedRecord(text: string): Promise<void>;
  /**
   * The read back: `full` state, `table-only` (no thresholds listing: the caller knows them, no step sets
   * one), or `proc` (only /proc/net/ip_vs, returned as text: procReadback.ts).
   */
  begin(batch: string, rollback: string, confirmSeconds: number, readBack?: 'full' | 'table-only' | 'proc'): Promise<{ batch: BatchReply; state?: LiveState; proc?: string }>;
  commit(): Promise<void>;
  rollback(): Promise<{ exitCode: number; state: LiveState }>;
  run(lines: string): Promise<BatchReply>;
  read(): Promise<LiveState>;
  /** Ends stdin: the guardian exits (rolling back unless committed, or waiting for a confirmation window). */
  close(): void;
}

export class GuardianLostError extends Error {
  override readonly name = 'GuardianLostError';
}

function stateOf(host: string, text: string): LiveState {
  try {
    return parseLiveState({ stdout: text, stderr: '', exitCode: 0 });
  } catch (e) {
    throw new Error(`${host}: the apply guardian's live state: ${(e as Error).message}`);
  }
}

/** The guardian's first reply: the whole live state (it ends with the `end` section), or only the digest's input. */
function firstReply(host: string, text: string): GuardianSession['first'] {
  const sections = splitSections(text);
  if (sections.has('end')) return { state: stateOf(host, text) };
  const gen = sections.get('gen');
  const proc = sections.get('proc');
  if (!gen || !proc) throw new Error(`${host}: the apply guardian sent neither the live state nor the table's digest`);
  return { digest: tableDigest(gen.text.replace(/\n$/, ''), proc.text) };
}

function batchOf(text: string): BatchReply {
  const rc = /^BATCH (\d+)$/m.exec(text);
  const errs = [...text.matchAll(/^BATCH-ERR (.*)$/gm)].map((m) => m[1]);
  return { exitCode: rc ? Number(rc[1]) : 255, stderr: errs.join('\n') };
}

/** Starts the guardian on `host` and waits until it holds the lock and has sent its first reply. */
export function startGuardian(pool: SshPool, host: string, spec: GuardianSpec, replyTimeoutMs = 300_000): Promise<GuardianSession> {
  return new Promise<GuardianSession>((resolve, reject) => {
    let settled = false;
    pool.withConnection(host, (conn) => new Promise<void>((done) => {
      const line = shellQuote(effectiveArgv(spec.argv, conn.host.sudo ? 'non-interactive' : 'none'));
      conn.client.exec(line, (err: Error | undefined, ch: ClientChannel) => {
        if (err) { settled = true; reject(err); done(); return; }
        let buf = '';
        let errText = '';
        let closed = false;
        let ended = false;
        let lost = false;
        let locked = false;
        let last: string | undefined;
        const waiters: { resolve(text: string): void; reject(e: Error): void; timer: NodeJS.Timeout }[] = [];
        const replies: string[] = [];
        const failAll = (why: string): void => {
          for (const w of waiters.splice(0)) { clearTimeout(w.timer); w.reject(new GuardianLostError(`${host}: ${why}`)); }
        };
        const pump = (): void => {
          for (;;) {
            if (!locked) {
              const nl = buf.indexOf('\n');
              if (nl < 0) return;
              const first = buf.slice(0, nl);
              if (first !== 'LOCKED') {
                if (/^(BUSY|ERR) /.test(first)) return; // the close reports it
                buf = buf.slice(nl + 1);
                continue;
              }
              buf = buf.slice(nl + 1);
              locked = true;
              continue;
            }
            const end = buf.indexOf(`${DONE_MARK}\n`);
            if (end < 0) return;
            let text = buf.slice(0, end);
            buf = buf.slice(end + DONE_MARK.length + 1);
            const lastLine = /^LAST (.*)\n/.exec(text);
            if (lastLine) { last = lastLine[1]; text = text.slice(lastLine[0].length); }
            const w = waiters.shift();
            if (w) { clearTimeout(w.timer); w.resolve(text); } else replies.push(text);
          }
        };
        const request = (command: string, payload = ''): Promise<string> => new Promise<string>((res, rej) => {
          if (closed || lost || ended) { rej(new GuardianLostError(`${host}: the apply guardian's session is gone`)); return; }
          const timer = setTimeout(() => {
            const i = waiters.findIndex((x) => x.timer === timer);
            if (i >= 0) waiters.splice(i, 1);
            rej(new GuardianLostError(`${host}: the apply guardian did not answer ${command.split(' ')[0]} within ${replyTimeoutMs / 1000} s`));
          }, replyTimeoutMs);
          waiters.push({ resolve: res, reject: rej, timer });
          ch.write(`${command}\n${payload}`);
        });
        const checked = (text: string): string => {
          const e = /^ERR (.*)$/m.exec(text);
          if (e) throw new Error(`${host}: the apply guardian refused: ${e[1]}`);
          return text;
        };
        const session: GuardianSession = {
          first: {},
          get last() { return last; },
          get lost() { return lost; },
          sysctls: async (forward, back) => {
            // Both written at once (in order): a caller may pipeline more requests behind them.
            const sent = [...(forward.length ? [request(`SYSCTL ${forward.join(' ')}`)] : []), ...(back.length ? [request(`SYSCTL-BACK ${back.join(' ')}`)] : [])];
            for (const text of await Promise.all(sent)) checked(text);
          },
          managedRecord: async (text) => { checked(await request(`MANAGED ${Buffer.byteLength(text)}`, text)); },
          begin: async (batch, rollback, confirmSeconds, readBack = 'full') => {
            const text = checked(await request(`BEGIN ${Buffer.byteLength(batch)} ${Buffer.byteLength(rollback)} ${Math.max(0, Math.floor(confirmSeconds))} ${readBack}`, batch + rollback));
            if (readBack === 'proc') {
              const at = text.indexOf('@@lvsctl-section proc\n');
              return { batch: batchOf(text), proc: at < 0 ? '' : text.slice(at + '@@lvsctl-section proc\n'.length) };
            }
            return { batch: batchOf(text), state: stateOf(host, text) };
          },
          commit: async () => {
            const text = checked(await request('COMMIT'));
            if (!/^COMMITTED$/m.test(text)) throw new Error(`${host}: the apply guardian did not commit`);
          },
          rollback: async () => {
            const text = checked(await request('ROLLBACK'));
            const rc = /^ROLLED-BACK (\d+)$/m.exec(text);
            return { exitCode: rc ? Number(rc[1]) : 255, state: stateOf(host, text) };
          },
          run: async (lines) => batchOf(checked(await request(`RUN ${Buffer.byteLength(lines)}`, lines))),
          read: async () => stateOf(host, checked(await request('READ'))),
          close: () => { if (!ended) { ended = true; ch.end(); } },
        };
        ch.on('data', (d: Buffer) => {
          buf += d.toString('utf8');
          pump();
          if (!settled && locked && (replies.length > 0)) {
            settled = true;
            const text = replies.shift() as string;
            try {
              (session as { first: GuardianSession['first'] }).first = firstReply(host, text);
              resolve(session);
            } catch (e) {
              ch.end();
              reject(e instanceof Error ? e : new Error(String(e)));
            }
          }
        });
        ch.stderr.on('data', (d: Buffer) => { errText += d.toString('utf8'); });
        conn.onClose(() => { if (!ended) lost = true; failAll('the SSH connection dropped (the director\'s guardian restores the snapshot by itself)'); });
        ch.on('close', () => {
          closed = true;
          if (!ended) lost = true;
          failAll('the apply guardian\'s session ended');
          if (!settled) { settled = true; reject(lockFailure(host, buf, errText, spec.waitSeconds)); }
          done();
        });
      });
    })).catch((e: unknown) => {
      if (!settled) { settled = true; reject(e instanceof Error ? e : new Error(String(e))); }
    });
  });
}

/** `lvsctl apply --confirm`: confirms the guardian waiting on this director (one exec). */
export const CONFIRM_SCRIPT = [
  'd=$1',
  '[ -d "$d" ] && [ ! -L "$d" ] && [ "$(stat -c %u:%a "$d")" = 0:700 ] || { echo NONE; exit 0; }',
  '[ -f "$d/pending" ] && [ ! -L "$d/pending" ] || { echo NONE; exit 0; }',
  'cp "$d/pending" "$d/commit.$$" && mv -f "$d/commit.$$" "$d/commit"',
  'i=0; while [ -f "$d/pending" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done',
  'if [ -f "$d/pending" ]; then echo WAITING; else echo CONFIRMED; fi',
].join('\n');
