/**
 * Remote text made safe for a terminal or a log: a hostile or broken host may print escape sequences that
 * retitle the terminal, rewrite earlier lines, hide text or (OSC 52) write the clipboard. Everything but
 * printable text, tab and newline is removed: CSI (`ESC [ … final`), OSC (`ESC ] … BEL` or `ESC \`), DCS/SOS/
 * PM/APC strings, other ESC sequences, the remaining C0 controls (CR included), DEL and the C1 controls.
 */

const ESCAPES = new RegExp([
  '\\x1b\\[[0-?]*[ -/]*[@-~]', // CSI
  '\\x9b[0-?]*[ -/]*[@-~]', // 8-bit CSI
  '(?:\\x1b[\\]PX^_]|[\\x90\\x98\\x9d\\x9e\\x9f])[^\\x07\\x1b\\x9c]*(?:\\x07|\\x1b\\\\|\\x9c)?', // OSC, DCS, SOS, PM, APC
  '\\x1b[ -/]*[0-~]?', // other ESC sequences (and a lone ESC)
  '[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f]', // C0 but tab and newline, DEL, C1
].join('|'), 'g');

export function terminalSafe(text: string): string {
  return text.replace(ESCAPES, '');
}
