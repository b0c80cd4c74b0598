/**
 * Redaction of secrets in text bound for a log: private key blocks, `password=…`-style values, and every
 * secret value registered at run time (what the prompts returned), replaced by `***`. The last is the one that
 * cannot miss: a registered secret is removed wherever it appears, whatever surrounds it.
 */

const KEY_BLOCK = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g;
const NAMED_SECRET = /\b(pass(?:word|phrase|wd)?|secret|token|api[_-]?key)(\s*[=:]\s*|\s+)("[^"]*"|'[^']*'|\S+)/gi;

export class Redactor {
  private readonly secrets = new Set<string>();

  /** Remembers a secret value (4 characters or more: shorter ones would blank out ordinary words). */
  add(secret: string | undefined): void {
    if (secret !== undefined && secret.length >= 4) this.secrets.add(secret);
  }

  redact(text: string): string {
    let out = text;
    // Registered values first: a secret may itself contain a word like "secret".
    for (const s of this.secrets) out = out.split(s).join('***');
    out = out.replace(KEY_BLOCK, '-----BEGIN PRIVATE KEY----- *** -----END PRIVATE KEY-----');
    return out.replace(NAMED_SECRET, (_m, name: string, sep: string) => `${name}${sep}***`);
  }
}
