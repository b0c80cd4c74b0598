/**
 * The one place where values of the cluster file become keepalived.conf text. keepalived reads its file as
 * blank-separated words, with `#`/`!` comments, `{`/`}` blocks, `"…"` strings, `$NAME` substitutions and
 * `include` lines; a value that held any of those could change the configuration. The validator already
 * restricts every value to safe characters; this is the second lock: a value that is not one plain word
 * throws instead of being written.
 */

/** Characters a rendered value may use: letters, digits and `. _ ~ % / ? = & + : @ , * ( ) -`. */
const WORD = /^[A-Za-z0-9._~%/?=&+:@,*()-]+$/;

export class UnsafeKeepalivedValue extends Error {}

/** `value` as one keepalived.conf word; throws UnsafeKeepalivedValue when it is not plainly safe. */
export function kaWord(value: string | number): string {
  const text = String(value);
  if (!WORD.test(text) || text.length > 1024) {
    throw new UnsafeKeepalivedValue(`refusing to write ${JSON.stringify(text)} into keepalived.conf: not one plain word`);
  }
  return text;
}

/** Seconds as keepalived reads them: a decimal with at most 6 places (microseconds), no exponent. */
export function kaSeconds(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) throw new UnsafeKeepalivedValue(`not a number of seconds: ${seconds}`);
  return kaWord(seconds.toFixed(6).replace(/\.?0+$/, '') || '0');
}

/** A comment's text: anything outside printable ASCII, and line breaks, become `_`. */
export function kaCommentText(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '_');
}
