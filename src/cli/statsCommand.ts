/**
 * `lvsctl stats FILE [--cluster NAME] [--json] [--watch] [--interval S]`: the live connection statistics of a
 * cluster's directors in a terminal — the same collector (src/core/stats) as the extension's panel.
 *
 * SSH: the CLI's shared session (sshSession.ts): an SshPool over the cluster file's hosts, our trust store
 * (`--trust-store` to change), terminal prompts when stdin is a TTY.
 */
import { buildSnapshot } from '../core/stats/snapshot';
import { bytes, bytesRate, compactNumber, percent } from '../shared/statsFormat';
import { DEFAULT_INTERVAL_MS, StatsPoller } from '../core/stats/statsPoller';
import { statsTarget } from '../core/stats/statsPool';
import type { StatsTarget } from '../core/stats/statsPool';
import { statsReadingCommand } from '../core/stats/statsReading';
import type { DirectorSnapshot, DirectorStatus, RealServerStats, ServiceStats } from '../shared/statsProtocol';
import { parseCommandArgs, UsageError } from './cliIo';
import type { CliCommand, CliIo } from './cliIo';
import { loadClusterFile } from './loadClusterFile';
import { openSshSession } from './sshSession';

const USAGE = `Usage: lvsctl stats FILE [--cluster NAME] [--json] [--watch] [--interval S]

Reads the live IPVS counters of a cluster's directors over SSH (one exec per director per tick:
ipvsadm -Ln --stats --exact, --rate --exact and -Ln) and prints, per virtual service and real server,
the kernel's rates (CPS, packets and bytes per second), ActiveConn/InActConn, weight, the totals and
the share of connections against the share the weights ask for.

Options:
  --cluster NAME       the cluster (needed when FILE defines more than one)
  --json               JSON instead of a table (with --watch: one JSON object per line and reading)
  --watch              refresh in place every interval until Ctrl-C
  --interval S         seconds between readings with --watch (default 2, minimum 1)
  --thresholds         also read ipvsadm -Ln --thresholds
  --persistent-conn    also read ipvsadm -Ln --persistent-conn
  --trust-store PATH   where accepted host keys are written (default ~/.config/vscode-lvs/known_hosts)

Exit codes: 0 ok, 1 FILE has errors or a director could not be read, 2 wrong usage or unreadable FILE.`;

const HEAD = ['Service / real server', 'Fwd', 'Wght', 'ActConn', 'InAct', 'CPS', 'Δconn/s', 'InPPS', 'OutPPS', 'InBPS', 'OutBPS', 'Conns', 'InBytes', 'OutBytes', 'Share (want)'];

function rsCells(r: RealServerStats, share: string): string[] {
  return [
    `  -> ${r.endpoint}`, r.method ?? '', r.weight === undefined ? '' : String(r.weight), String(r.activeConn), String(r.inactConn),
    compactNumber(r.rate.cps), r.delta ? compactNumber(r.delta.cps) : '–', compactNumber(r.rate.inPps), compactNumber(r.rate.outPps),
    bytesRate(r.rate.inBps), bytesRate(r.rate.outBps), compactNumber(r.totals.conns), bytes(r.totals.inBytes), bytes(r.totals.outBytes), share,
  ];
}

function svcCells(s: ServiceStats): string[] {
  const label = `${s.label}${s.name ? ` (${s.name})` : ''}${s.scheduler ? ` ${s.scheduler}` : ''}`;
  return [
    label, '', '', String(s.activeConn), String(s.inactConn), compactNumber(s.rate.cps), s.delta ? compactNumber(s.delta.cps) : '–',
    compactNumber(s.rate.inPps), compactNumber(s.rate.outPps), bytesRate(s.rate.inBps), bytesRate(s.rate.outBps),
    compactNumber(s.totals.conns), bytes(s.totals.inBytes), bytes(s.totals.outBytes), s.share.basis === 'window' ? `${s.share.connections} new` : 'all-time',
  ];
}

/** The readable table of one director (exported for the tests). */
export function renderSnapshotTable(snapshot: DirectorSnapshot): string {
  const rows: string[][] = [HEAD];
  for (const s of snapshot.services) {
    rows.push(svcCells(s));
    for (const r of s.realServers) {
      const sh = s.share.rows.find((x) => x.id === r.id);
      rows.push(rsCells(r, sh ? `${percent(sh.observed)} (${percent(sh.expected)})` : ''));
    }
  }
  const widths = HEAD.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const lines = rows.map((r) => r.map((c, i) => (i === 0 || i === 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd());
  if (snapshot.services.length === 0) lines.push('(no virtual services on this director)');
  for (const w of snapshot.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n');
}

function statusLine(cluster: string, st: DirectorStatus | undefined, director: string, intervalS: number): string {
  const when = st?.lastUpdate ? new Date(st.lastUpdate).toLocaleTimeString() : 'never';
  const state = st?.state === 'error' ? `UNREACHABLE (${st.failures} failure${st.failures === 1 ? '' : 's'}; next try ${st.nextAttempt ? new Date(st.nextAttempt).toLocaleTimeString() : '?'}): ${st.error ?? ''}` : st?.state ?? 'idle';
  return `cluster ${cluster} · director ${director} · ${state} · last update ${when} · every ${intervalS} s`;
}

export const statsCommand: CliCommand = {
  name: 'stats',
  summary: 'live connection statistics of a cluster\'s directors (ipvsadm --stats/--rate over SSH)',
  usage: USAGE,
  async run(args: string[], io: CliIo): Promise<number> {
    const parsed = parseCommandArgs(args, {
          cluster: { type: 'string' }, json: { type: 'boolean' }, watch: { type: 'boolean' }, interval: { type: 'string' },
          thresholds: { type: 'boolean' }, 'persistent-conn': { type: 'boolean' }, 'trust-store': { type: 'string' },
        });
    const { values, positionals } = parsed;
    if (positionals.length !== 1) throw new UsageError('exactly one FILE is needed');
    let intervalS = DEFAULT_INTERVAL_MS / 1000;
    if (values.interval !== undefined) {
      intervalS = Number(values.interval);
      if (!Number.isFinite(intervalS) || intervalS < 1) throw new UsageError(`--interval must be a number of seconds ≥ 1, not '${values.interval}'`);
    }
    const loaded = await loadClusterFile('stats', positionals[0], values.cluster, io);
    if (typeof loaded === 'number') return loaded;
    const { model } = loaded;
    const name = loaded.cluster.name;
    const target = statsTarget(model, name);
    const session = openSshSession(model, values['trust-store'] !== undefined ? { trustStore: values['trust-store'] } : {});
    const pool = session.pool;
    const command = statsReadingCommand({ thresholds: values.thresholds ?? false, persistentConn: values['persistent-conn'] ?? false });
    try {
      if (!values.watch) return await once(io, target, (d) => pool.run(d, command), name, values.json ?? false);
      return await watch(io, new StatsPoller({
        directors: target.directors, read: (d) => pool.run(d, command), intervalMs: intervalS * 1000, serviceNames: target.serviceNames, serverHosts: target.serverHosts,
      }), name, values.json ?? false);
    } finally {
      session.close();
    }
  },
};

type Read = Parameters<typeof buildSnapshot>[0];

async function once(io: CliIo, target: StatsTarget, read: (d: string) => Promise<Read>, cluster: string, json: boolean): Promise<number> {
  const { directors, serviceNames, serverHosts } = target;
  let failed = 0;
  const results: { director: string; snapshot?: DirectorSnapshot; error?: string }[] = [];
  await Promise.all(directors.map(async (director, i) => {
    try {
      results[i] = { director, snapshot: buildSnapshot(await read(director), { director, time: Date.now(), serviceNames, serverHosts }) };
    } catch (err) {
      failed++;
      results[i] = { director, error: (err as Error).message };
    }
  }));
  if (json) {
    io.stdout.write(`${JSON.stringify({ cluster, directors: results }, null, 2)}\n`);
  } else {
    for (const r of results) {
      io.stdout.write(`cluster ${cluster} · director ${r.director} · ${r.snapshot ? new Date(r.snapshot.time).toLocaleTimeString() : 'UNREACHABLE'}\n`);
      io.stdout.write(r.snapshot ? `${renderSnapshotTable(r.snapshot)}\n\n` : `${r.error ?? ''}\n\n`);
    }
  }
  return failed > 0 ? 1 : 0;
}

function watch(io: CliIo, poller: StatsPoller, cluster: string, json: boolean): Promise<number> {
  const latest = new Map<string, DirectorSnapshot>();
  const statuses = new Map<string, DirectorStatus>();
  const draw = (): void => {
    const parts = poller.directors.map((d) => `${statusLine(cluster, statuses.get(d), d, poller.interval / 1000)}\n${latest.has(d) ? renderSnapshotTable(latest.get(d) as DirectorSnapshot) : ''}`);
    const screen = `${parts.join('\n\n')}\n\nCtrl-C to stop.\n`;
    io.stdout.write(io.stdout.isTTY ? `\x1b[H\x1b[2J${screen}` : `${screen}\n`);
  };
  return new Promise((done) => {
    const unsubscribe = poller.subscribe({
      snapshot: (s) => {
        latest.set(s.director, s);
        if (json) io.stdout.write(`${JSON.stringify(s)}\n`);
      },
      status: (st) => {
        statuses.set(st.director, st);
        if (json) { if (st.state === 'error') io.stdout.write(`${JSON.stringify({ status: st })}\n`); } else if (st.state !== 'connecting') draw();
      },
    });
    process.once('SIGINT', () => {
      unsubscribe();
      poller.dispose();
      if (!json && io.stdout.isTTY) io.stdout.write('\n');
      done(0);
    });
  });
}
