/**
 * The one place where an argv becomes a remote shell command line.
 *
 * sshd hands the command string to the user's login shell (`$SHELL -c "<string>"`), so every argument is
 * wrapped in POSIX single quotes; a single quote inside is written as `'\''`. Nothing inside single quotes is
 * special to a POSIX shell (no `$`, backtick, backslash, newline or glob meaning), so the remote argv is exactly
 * the local one. NUL bytes cannot be carried by a C string at all and are refused.
 */

/** A word that needs no quoting: keeps logs readable (`ipvsadm -Ln` instead of `'ipvsadm' '-Ln'`). */
const SAFE_WORD = /^[A-Za-z0-9_@%+:,./-]+$/;  // no `=`: `A=b cmd` would be an assignment

function quoteArg(arg: string): string {
  if (arg.includes('\0')) throw new Error(`refusing to quote an argument that contains a NUL byte: ${JSON.stringify(arg)}`);
  if (arg !== '' && SAFE_WORD.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function shellQuote(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error('refusing to quote an empty argv');
  return argv.map(quoteArg).join(' ');
}
