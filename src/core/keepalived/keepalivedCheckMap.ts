/**
 * `keepalived -t` names the line of the configuration it complains about — `(/etc/keepalived/keepalived.conf.
 * lvsctl-new: Line 25) persistence_timeout invalid` — which is a line lvsctl rendered. With the renderer's line
 * origins (renderKeepalivedConfLines) each such message is mapped back to the cluster-file item that produced
 * the line: `keepalived.conf line 25 "persistence_timeout 9999999" comes from cluster file line 31 (service http …)`.
 */
import type { LineOrigin, MappedKeepalivedConf } from './renderKeepalivedConf';

export interface CheckSource {
  /** 1-based line of the rendered configuration keepalived named. */
  confLine: number;
  /** That line's text (trimmed). */
  text: string;
  /** The cluster-file item it comes from; undefined for the header. */
  origin?: LineOrigin;
  /** keepalived's message (without the location). */
  message: string;
}

/** keepalived's location prefix (report_config_error): `(FILE: Line N)`. */
const LOCATION = /^\((.+?): Line (\d+)\) ?(.*)$/;

/** The messages of `output` that name a line of `confPath` (any path when undefined), mapped to their origins. */
export function mapCheckOutput(output: string, conf: MappedKeepalivedConf, confPath?: string): CheckSource[] {
  const lines = conf.text.split('\n');
  const out: CheckSource[] = [];
  for (const raw of output.split('\n')) {
    const m = LOCATION.exec(raw.trim());
    if (!m || (confPath !== undefined && m[1] !== confPath)) continue;
    const n = Number(m[2]);
    if (n < 1 || n > lines.length) continue;
    const source: CheckSource = { confLine: n, text: lines[n - 1].trim(), message: m[3] };
    const origin = conf.origins[n - 1];
    if (origin) source.origin = origin;
    out.push(source);
  }
  return out;
}

/** One line per mapped message: `keepalived.conf line 25 "…": message ← cluster file line 31 (what)`. */
export function checkSourceText(s: CheckSource): string {
  const from = s.origin ? `cluster file line ${s.origin.range.start.line + 1} (${s.origin.what})` : 'no cluster-file line (the header)';
  return `keepalived.conf line ${s.confLine} "${s.text}": ${s.message} ← ${from}`;
}
