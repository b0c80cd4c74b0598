/** Runs one task per host with bounded concurrency; a host that fails does not stop the others. */

export type HostOutcome<T> =
  | { host: string; ok: true; value: T }
  | { host: string; ok: false; error: Error };

export const DEFAULT_CONCURRENCY = 8;

/** Outcomes in the order of `hosts`. Never rejects because of one host's failure. */
export async function runOnHosts<T>(
  hosts: readonly string[],
  task: (host: string) => Promise<T>,
  options: { concurrency?: number } = {},
): Promise<HostOutcome<T>[]> {
  const limit = Math.max(1, Math.floor(options.concurrency ?? DEFAULT_CONCURRENCY));
  const outcomes: HostOutcome<T>[] = new Array<HostOutcome<T>>(hosts.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < hosts.length) {
      const i = next++;
      const host = hosts[i];
      try {
        outcomes[i] = { host, ok: true, value: await task(host) };
      } catch (err) {
        outcomes[i] = { host, ok: false, error: err instanceof Error ? err : new Error(String(err)) };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, hosts.length) }, worker));
  return outcomes;
}
