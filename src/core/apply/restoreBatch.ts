/**
 * Sending a plan as ONE `ipvsadm -R` stream on stdin (never `-C`), and finding out which line failed.
 *
 * What ipvsadm v1.31 really does (checked in the lab): `ipvsadm -R` runs the lines in order; a line the
 * KERNEL refuses prints its error ("Destination already exists", "Invalid operation. …") without a line
 * number and the following lines still run, exit status 0; a SYNTAX error (bad option, a `#` comment)
 * stops the stream there with exit status 255. Either way the exit status does not say which line failed.
 * Every step of a plan changes the table, so after reading the table back, the failed lines are exactly
 * the steps whose effect is missing; the error messages pair with them in order.
 */

import type { IpvsCommand } from '../ipvs/ipvsCommand';
import { IpvsMachine } from '../ipvs/ipvsEngine';
import type { IpvsTable } from '../ipvs/types';
import { serverChanges, serviceChanges } from '../plan/planTable';
import type { PlanStep } from '../plan/planTypes';
import type { CommandOutput, RemoteCommand } from '../ssh/remoteCommand';

export interface RestoreResult {
  exitCode: number | null;
  stderr: string;
}

const ANY_EXIT = Array.from({ length: 256 }, (_, i) => i);

/** `ipvsadm -R` with the lines on stdin; any exit status is a result (the caller reads the table back). */
export function restoreCommand(text: string, timeoutMs = 120_000): RemoteCommand<RestoreResult> {
  return {
    argv: ['ipvsadm', '-R'],
    stdin: text,
    timeoutMs,
    okExitCodes: ANY_EXIT,
    parse: (o: CommandOutput) => ({ exitCode: o.exitCode, stderr: o.stderr }),
  };
}

/** Is the effect of `cmd` visible in the table? */
export function commandVisible(table: IpvsMachine, cmd: IpvsCommand): boolean {
  switch (cmd.kind) {
    case 'add-service': return table.service(cmd.service.key) !== undefined;
    case 'edit-service': {
      const s = table.service(cmd.service.key);
      return s !== undefined && serviceChanges(s, { ...cmd.service, realServers: [] }).length === 0;
    }
    case 'delete-service': return table.service(cmd.key) === undefined;
    case 'add-server':
    case 'edit-server': {
      const rs = table.realServer(cmd.key, cmd.server);
      return rs !== undefined && serverChanges(rs, cmd.server).length === 0;
    }
    case 'delete-server': return table.service(cmd.key) === undefined || table.realServer(cmd.key, cmd.server) === undefined;
    default: return true;
  }
}

export interface BatchVerdict {
  /** Steps whose effect is in the table. */
  applied: number;
  /** Steps whose effect is missing, in order: the lines that failed (or never ran after a syntax error). */
  failed: number[];
}

export function judgeBatch(steps: readonly PlanStep[], after: IpvsTable): BatchVerdict {
  const m = new IpvsMachine(after);
  const failed: number[] = [];
  steps.forEach((s, i) => { if (!commandVisible(m, s.command)) failed.push(i); });
  return { applied: steps.length - failed.length, failed };
}

/**
 * ipvsadm's error messages, one per refused line, in order (kernel errors: "Destination already exists",
 * …); popt's usage hint after a syntax error is dropped.
 */
export function batchMessages(stderr: string): string[] {
  return stderr.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('Try `ipvsadm -h'));
}
