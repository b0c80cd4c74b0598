/**
 * Drives ssh2's `authHandler` through our auth plan: asks for passphrases and passwords through the caller's
 * prompts, logs every attempt (method, key path, SHA256 fingerprint), never a secret.
 */
import { readFile } from 'node:fs/promises';
import { OpenSSHAgent, utils } from 'ssh2';
import type { AnyAuthMethod, AuthenticationType, AuthHandlerMiddleware, IdentityCallback, ParsedKey, PublicKeyEntry } from 'ssh2';
import { nextStepIndex } from './authPlan';
import type { AuthStep } from './authPlan';
import { fingerprintOf } from './keyFingerprint';
import { terminalSafe } from './terminalText';
import type { DebugLog, SshDestination, SshPrompts } from './types';

export interface AuthHandlerInput {
  /** For prompts and logs. */
  host: string;
  user: string;
  steps: readonly AuthStep[];
  prompts: SshPrompts;
  log?: DebugLog;
  /** The real destination, read when a question is asked (its host key fingerprint is known by then). */
  destination: () => SshDestination;
}

/** ssh2 takes `false` for "no more methods"; its typings do not say so. */
const NO_MORE_METHODS = false as unknown as AuthenticationType;
const PASSPHRASE_TRIES = 3;

/** An agent that logs which keys it offers. */
class LoggingAgent extends OpenSSHAgent {
  constructor(socket: string, private readonly onKeys: (keys: readonly (ParsedKey | PublicKeyEntry)[]) => void) {
    super(socket);
  }
  override getIdentities(cb: IdentityCallback<ParsedKey>): void {
    super.getIdentities((err, keys) => {
      if (!err && keys) this.onKeys(keys);
      cb(err, keys);
    });
  }
}

export function createAuthHandler(input: AuthHandlerInput): AuthHandlerMiddleware {
  const { host, user, steps, prompts } = input;
  const log = (line: string): void => input.log?.(`auth ${user}@${host}: ${line}`);
  let position = 0;
  let last: string | undefined;

  return (methodsLeft, partialSuccess, next) => {
    if (last !== undefined) {
      log(`${last} ${partialSuccess ? 'partially accepted' : 'rejected'}; server offers ${methodsLeft ? methodsLeft.join(',') : '?'}`);
    }
    void pick(methodsLeft ?? null).then((method) => {
      last = method ? describe(method) : undefined;
      if (!method) log('no more methods to try');
      next(method ?? NO_MORE_METHODS);
    }, (err: unknown) => {
      log(`error preparing a method: ${(err as Error).message}`);
      next(NO_MORE_METHODS);
    });
  };

  async function pick(methodsLeft: readonly string[] | null): Promise<AnyAuthMethod | undefined> {
    for (;;) {
      const index = nextStepIndex(steps, position, methodsLeft);
      if (index < 0) return undefined;
      position = index + 1;
      const method = await prepare(steps[index]);
      if (method) return method;
    }
  }

  async function prepare(step: AuthStep): Promise<AnyAuthMethod | undefined> {
    switch (step.kind) {
      case 'none':
        log('trying none');
        return { type: 'none', username: user };
      case 'agent': {
        log(`trying agent ${step.socket}`);
        const agent = new LoggingAgent(step.socket, (keys) => {
          log(`agent offers ${keys.length} key(s): ${keys.map(describeAgentKey).join(', ') || 'none'}`);
        });
        return { type: 'agent', username: user, agent };
      }
      case 'key': {
        const key = await loadKey(step.path);
        if (!key) return undefined;
        log(`trying publickey ${step.path} ${key.type} ${fingerprintOf(key.getPublicSSH())}`);
        return { type: 'publickey', username: user, key };
      }
      case 'keyboard-interactive': {
        const ask = prompts.password;
        if (!ask) return undefined;
        log('trying keyboard-interactive');
        return {
          type: 'keyboard-interactive', username: user,
          prompt: (_name, _instructions, _lang, questions, finish) => {
            void (async () => {
              const answers: string[] = [];
              // The server's text: shown to the user, so stripped of escape sequences.
              for (const q of questions) answers.push((await ask({ host, user, prompt: terminalSafe(q.prompt), destination: input.destination() })) ?? '');
              finish(answers);
            })().catch(() => finish([]));
          },
        };
      }
      case 'password': {
        const ask = prompts.password;
        if (!ask) return undefined;
        const destination = input.destination();
        const password = await ask({ host, user, prompt: `${user}@${destination.hostname}'s password: `, destination });
        if (password === undefined) { log('password: no answer, skipped'); return undefined; }
        log('trying password');
        return { type: 'password', username: user, password };
      }
    }
  }

  async function loadKey(path: string): Promise<ParsedKey | undefined> {
    let data: Buffer;
    try {
      data = await readFile(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') log(`cannot read ${path}: ${code ?? (err as Error).message}`);
      return undefined;
    }
    const plain = utils.parseKey(data);
    if (!(plain instanceof Error)) return firstKey(plain);
    if (!isEncryptedKeyError(plain)) { log(`${path}: ${plain.message}, skipped`); return undefined; }
    if (!prompts.passphrase) { log(`${path} is encrypted and no passphrase prompt is available, skipped`); return undefined; }
    for (let attempt = 1; attempt <= PASSPHRASE_TRIES; attempt++) {
      const passphrase = await prompts.passphrase({ host, keyPath: path, destination: input.destination() });
      if (passphrase === undefined) { log(`${path}: no passphrase given, skipped`); return undefined; }
      const parsed = utils.parseKey(data, passphrase);
      if (!(parsed instanceof Error)) return firstKey(parsed);
      log(`${path}: wrong passphrase (attempt ${attempt} of ${PASSPHRASE_TRIES})`);
    }
    return undefined;
  }
}

function describeAgentKey(k: ParsedKey | PublicKeyEntry): string {
  const key = 'getPublicSSH' in k ? k : 'getPublicSSH' in k.pubKey ? k.pubKey : undefined;
  return key ? `${key.type} ${fingerprintOf(key.getPublicSSH())}` : 'a key';
}

function firstKey(parsed: ParsedKey | ParsedKey[]): ParsedKey {
  return Array.isArray(parsed) ? parsed[0] : parsed;
}

export function isEncryptedKeyError(err: Error): boolean {
  return /encrypted|passphrase/i.test(err.message);
}

function describe(method: AnyAuthMethod): string {
  return method.type === 'publickey' && typeof method.key === 'object' && !Buffer.isBuffer(method.key)
    ? `publickey ${fingerprintOf(method.key.getPublicSSH())}`
    : method.type;
}
