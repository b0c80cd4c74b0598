/** Errors of the SSH layer. Each names the host; none carries a secret. */

/** The server's host key was refused: unknown under `yes`, declined by the user, changed, or revoked. */
export class HostKeyError extends Error {
  override readonly name = 'HostKeyError';
  constructor(
    readonly host: string,
    readonly port: number,
    readonly reason: 'unknown' | 'declined' | 'changed' | 'revoked',
    readonly fingerprint: string,
    message: string,
    /** For `changed` / `revoked`: the known entry, as `file:line`. */
    readonly knownAt?: string,
    readonly knownFingerprint?: string,
  ) {
    super(message);
  }
}

/** Could not connect or authenticate (after host key verification, or the transport failed). */
export class SshConnectError extends Error {
  override readonly name = 'SshConnectError';
  constructor(readonly host: string, message: string, options?: { cause?: unknown }) {
    super(`${host}: ${message}`, options);
  }
}

/** A remote command failed: non-zero exit, killed by a signal, timed out, or the connection dropped. */
export class SshCommandError extends Error {
  override readonly name: string = 'SshCommandError';
  constructor(
    readonly host: string,
    readonly argv: readonly string[],
    readonly exitCode: number | null,
    readonly stderr: string,
    message: string,
    readonly timedOut = false,
    options?: { cause?: unknown; cancelled?: boolean },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.cancelled = options?.cancelled ?? false;
  }

  /** The caller's AbortSignal stopped the command. */
  readonly cancelled: boolean;
}

/** `sudo -n` said a password is required (and no sudo password prompt was given, or it did not work). */
export class SudoPasswordRequiredError extends SshCommandError {
  override readonly name = 'SudoPasswordRequiredError';
}

/** ssh configuration could not be resolved (bad `ssh -G` output, unsupported fallback construct, loops). */
export class SshConfigError extends Error {
  override readonly name = 'SshConfigError';
}
