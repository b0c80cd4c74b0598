/**
 * Remembered answers to the SSH layer's secret questions (passwords, sudo passwords, key passphrases), kept in
 * a store the caller hands in (VS Code's SecretStorage in the extension). A password is bound to the real
 * destination — user, resolved HostName, port and the SHA256 fingerprint of the host key that connection
 * verified — never to the cluster file's name for the host: another file's `db1`, or the same name pointing
 * at another machine (or at a machine with another key), is asked again and gets nothing. A passphrase
 * unlocks a local key file and is bound to that file's path. A remembered answer asked for again in the same
 * session was wrong and is forgotten.
 */
import { describeDestination } from './destination';
import type { SshDestination, SshPrompts } from './types';

export interface SecretStore {
  get(key: string): PromiseLike<string | undefined>;
  store(key: string, value: string): PromiseLike<void>;
  delete(key: string): PromiseLike<void>;
}

/** The keys remembered so far (SecretStorage cannot list its keys), so that "forget all" can find them. */
export interface SecretIndex {
  keys(): string[];
  update(keys: string[]): PromiseLike<void>;
}

export interface SecretQuestion {
  title: string;
  prompt: string;
  /** False when the answer cannot be bound to a verified destination: it is used once, never stored. */
  canRemember: boolean;
}

export type AskSecret = (question: SecretQuestion) => Promise<{ value: string; remember: boolean } | undefined>;

const PREFIX = 'lvs.ssh.';

/**
 * The store key of a password or sudo password: user, HostName, port and host key fingerprint (undefined
 * when the fingerprint is not known: such an answer is never remembered).
 */
export function destinationSecretKey(kind: 'password' | 'sudo', d: SshDestination): string | undefined {
  if (d.hostKeyFingerprint === undefined || d.hostKeyFingerprint === '') return undefined;
  return `${PREFIX}${kind}:${JSON.stringify([d.user, d.hostname.toLowerCase(), d.port, d.hostKeyFingerprint])}`;
}

export function passphraseSecretKey(keyPath: string): string {
  return `${PREFIX}passphrase:${keyPath}`;
}

export class RememberedSecrets {
  /** Keys handed out from the store in this session (asked again → the answer was wrong). */
  private readonly used = new Set<string>();

  constructor(
    private readonly store: SecretStore,
    private readonly index: SecretIndex,
    private readonly ask: AskSecret,
    /** Every answer (stored or typed) is given here, e.g. to the log's redactor. */
    private readonly onSecret: (value: string) => void = () => undefined,
  ) {}

  prompts(): Required<Pick<SshPrompts, 'passphrase' | 'password' | 'sudoPassword'>> {
    return {
      passphrase: (q) => this.secret(passphraseSecretKey(q.keyPath), {
        title: `SSH key passphrase (${describeDestination(q.destination)})`, prompt: `Passphrase for ${q.keyPath}`, canRemember: true,
      }),
      password: (q) => {
        const where = describeDestination(q.destination);
        const serverText = q.prompt.trim();
        return this.secret(destinationSecretKey('password', q.destination), {
          title: `SSH password (${where})`, prompt: serverText ? `${where} asks: ${serverText}` : `Password for ${where}`, canRemember: true,
        });
      },
      sudoPassword: (q) => {
        const where = describeDestination(q.destination);
        return this.secret(destinationSecretKey('sudo', q.destination), {
          title: `sudo password (${where})`, prompt: `sudo on ${where} asks for the password of ${q.destination.user}`, canRemember: true,
        });
      },
    };
  }

  private async secret(key: string | undefined, question: SecretQuestion): Promise<string | undefined> {
    if (key !== undefined) {
      if (!this.used.has(key)) {
        const stored = await this.store.get(key);
        if (stored !== undefined) {
          this.used.add(key);
          this.onSecret(stored);
          return stored;
        }
      } else {
        await this.forget(key);
      }
    }
    const answer = await this.ask({ ...question, canRemember: key !== undefined });
    if (!answer) return undefined;
    this.onSecret(answer.value);
    if (answer.remember && key !== undefined) {
      await this.store.store(key, answer.value);
      await this.index.update([...new Set([...this.index.keys(), key])]);
      this.used.add(key);
    }
    return answer.value;
  }

  private async forget(key: string): Promise<void> {
    await this.store.delete(key);
    await this.index.update(this.index.keys().filter((k) => k !== key));
    this.used.delete(key);
  }

  /** Deletes every remembered secret (also those kept under older key shapes); returns how many there were. */
  async forgetAll(): Promise<number> {
    const keys = this.index.keys();
    for (const k of keys) await this.store.delete(k);
    await this.index.update([]);
    this.used.clear();
    return keys.length;
  }
}
