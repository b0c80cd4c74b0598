/**
 * Opening one SSH connection with ssh2, through every ProxyJump hop (each hop's channel is the next hop's
 * socket), verifying each host key before authenticating, then authenticating in our order.
 */
import { Client } from 'ssh2';
import type { ClientChannel, ConnectConfig, ServerHostKeyAlgorithm, VerifyCallback } from 'ssh2';
import { createAuthHandler } from './authHandler';
import { planAuth } from './authPlan';
import { HostKeyError, SshConnectError } from './errors';
import { destinationOf } from './destination';
import { hostKeyAlgorithmsFor, verifyHostKey } from './hostKeyVerifier';
import { fingerprintOf } from './keyFingerprint';
import { terminalSafe } from './terminalText';
import type { DebugLog, ResolvedHost, SshPrompts } from './types';

export interface ConnectOptions {
  /** Our trust store (known_hosts format): where keys accepted through us are written. */
  trustStorePath: string;
  prompts: SshPrompts;
  log?: DebugLog;
  /** Default: `process.env.SSH_AUTH_SOCK`; `null` disables the agent. */
  agentSocket?: string | null;
  /** Handshake + authentication time limit per hop (default: ConnectTimeout, else 20 s). */
  readyTimeoutMs?: number;
  /** SSH-level keepalive when ssh_config sets no ServerAliveInterval (default 15 s; 0 = off). */
  keepaliveIntervalMs?: number;
  /** The cluster file the hosts come from (its name): every prompt names it with the real address. */
  source?: string;
}

export interface SshConnection {
  readonly host: ResolvedHost;
  readonly client: Client;
  /** The target host's verified key (SHA256): what sudo passwords asked on this connection are bound to. */
  readonly hostKeyFingerprint: string;
  readonly closed: boolean;
  /** Closes the connection and every jump connection under it. */
  close(): void;
  onClose(listener: () => void): void;
}

export async function connect(host: ResolvedHost, options: ConnectOptions): Promise<SshConnection> {
  const chain = [...host.jumps, host];
  const clients: Client[] = [];
  let fingerprint = '';
  try {
    for (const [i, hop] of chain.entries()) {
      const sock = i === 0 ? undefined : await forwardTo(clients[i - 1], chain[i - 1], hop);
      const opened = await connectOne(hop, sock, options, i === chain.length - 1 ? undefined : host.alias);
      clients.push(opened.client);
      fingerprint = opened.fingerprint;
    }
  } catch (err) {
    for (const c of clients.reverse()) c.end();
    throw err;
  }
  return wrap(host, clients, fingerprint);
}

function wrap(host: ResolvedHost, clients: Client[], hostKeyFingerprint: string): SshConnection {
  const client = clients[clients.length - 1];
  let closed = false;
  const listeners: (() => void)[] = [];
  const close = (): void => {
    if (!closed) {
      closed = true;
      for (const l of listeners.splice(0)) l();
    }
    for (const c of [...clients].reverse()) c.end();
  };
  for (const c of clients) c.once('close', close);
  return {
    host, client, close, hostKeyFingerprint,
    get closed() { return closed; },
    onClose: (l) => { if (closed) l(); else listeners.push(l); },
  };
}

function forwardTo(via: Client, viaHost: ResolvedHost, next: ResolvedHost): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    via.forwardOut('127.0.0.1', 0, next.hostname, next.port, (err, stream) => {
      if (err) reject(new SshConnectError(next.alias, `ProxyJump through ${viaHost.alias} to ${next.hostname}:${next.port} failed: ${err.message}`, { cause: err }));
      else resolve(stream);
    });
  });
}

function connectOne(hop: ResolvedHost, sock: ClientChannel | undefined, options: ConnectOptions, jumpFor: string | undefined): Promise<{ client: Client; fingerprint: string }> {
  const log = options.log;
  const label = jumpFor ? `${hop.alias} (jump host for ${jumpFor})` : hop.alias;
  return hostKeyAlgorithmsFor(hop, options.trustStorePath).then((algorithms) => new Promise<{ client: Client; fingerprint: string }>((resolve, reject) => {
    const client = new Client();
    let hostKeyError: HostKeyError | undefined;
    let settled = false;
    /** Set by the host key check, which ssh2 runs (key exchange) before any authentication. */
    let verifiedFingerprint: string | undefined;
    const agentSocket = options.agentSocket === undefined ? process.env.SSH_AUTH_SOCK : options.agentSocket ?? undefined;
    const steps = planAuth({
      identityFiles: hop.identityFiles, identitiesOnly: hop.identitiesOnly,
      canAskPassword: options.prompts.password !== undefined,
      ...(agentSocket ? { agentSocket } : {}),
    });
    const keepalive = hop.serverAliveIntervalMs > 0 ? hop.serverAliveIntervalMs : options.keepaliveIntervalMs ?? 15_000;
    const hostVerifier = (key: Buffer, verify: VerifyCallback): void => {
      verifyHostKey({ host: hop, trustStorePath: options.trustStorePath, prompts: options.prompts, ...(log ? { log } : {}), ...(options.source !== undefined ? { source: options.source } : {}) }, key)
        .then(() => { verifiedFingerprint = fingerprintOf(key); verify(true); }, (err: unknown) => {
          if (err instanceof HostKeyError) hostKeyError = err;
          else log?.(`host key check for ${label} failed: ${(err as Error).message}`);
          verify(false);
        });
    };
    const config: ConnectConfig = {
      host: hop.hostname,
      port: hop.port,
      username: hop.user,
      readyTimeout: options.readyTimeoutMs ?? hop.connectTimeoutMs ?? 20_000,
      keepaliveInterval: keepalive,
      keepaliveCountMax: hop.serverAliveCountMax,
      algorithms: { serverHostKey: algorithms as ServerHostKeyAlgorithm[] },
      hostVerifier,
      authHandler: createAuthHandler({
        host: label, user: hop.user, steps, prompts: options.prompts, ...(log ? { log } : {}),
        // Read when a question is asked: after the host key check, so the fingerprint is there.
        destination: () => destinationOf(hop, options.source, verifiedFingerprint),
      }),
    };
    if (sock) config.sock = sock;
    client.once('ready', () => {
      settled = true;
      log?.(`connected to ${label} as ${hop.user}`);
      if (verifiedFingerprint === undefined) { client.end(); reject(new SshConnectError(label, `${hop.hostname}:${hop.port}: authenticated without a verified host key`)); return; }
      resolve({ client, fingerprint: verifiedFingerprint });
    });
    client.on('error', (err: Error & { level?: string }) => {
      // ssh2's messages may carry the server's text (a disconnect reason): no escape sequence passes.
      if (settled) { log?.(`${label}: ${terminalSafe(err.message)}`); return; }
      settled = true;
      client.end();
      if (hostKeyError) { reject(hostKeyError); return; }
      const hint = err.level === 'client-authentication'
        ? ` (tried: ${steps.map((s) => s.kind === 'key' ? `key ${s.path}` : s.kind).join(', ')}; check User, IdentityFile, the agent, and authorized_keys on the host)`
        : '';
      reject(new SshConnectError(label, `${hop.user}@${hop.hostname}:${hop.port}: ${terminalSafe(err.message)}${hint}`, { cause: err }));
    });
    client.once('close', () => {
      if (settled) return;
      settled = true;
      reject(hostKeyError ?? new SshConnectError(label, `${hop.hostname}:${hop.port}: connection closed during handshake`));
    });
    client.connect(config);
    // Every command is a few small request/response packets: with Nagle's algorithm each one waits for the
    // server's delayed ACK (about 40 ms a round, over 200 ms for one exec). A no-op on a jump channel.
    client.setNoDelay(true);
  }));
}
