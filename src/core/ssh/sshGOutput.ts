/** The output of `ssh -G host`: one `keyword value…` per line, keywords lowercase, repeated for lists. */
import { MULTI_VALUED } from './configValues';
import type { ConfigValues } from './configValues';

export function parseSshGOutput(text: string): ConfigValues {
  const values: ConfigValues = new Map();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    const space = line.indexOf(' ');
    const key = (space < 0 ? line : line.slice(0, space)).toLowerCase();
    const value = space < 0 ? '' : line.slice(space + 1).trim();
    const existing = values.get(key);
    if (existing === undefined) values.set(key, [value]);
    else if (MULTI_VALUED.has(key)) existing.push(value);
  }
  return values;
}
