/**
 * The event timeline of a statistics panel (pure): a bounded ring of HA events (oldest dropped and counted,
 * so memory stays constant however long the panel stays open) and its plain-text export.
 */
import type { HaEvent } from './haEvents';
import { RingBuffer } from './ringBuffer';

export const HA_EVENT_CAPACITY = 500;

export class HaEventLog {
  private readonly ring: RingBuffer<HaEvent>;
  private droppedCount = 0;

  constructor(capacity = HA_EVENT_CAPACITY) {
    this.ring = new RingBuffer<HaEvent>(capacity);
  }

  add(events: readonly HaEvent[]): void {
    for (const e of events) {
      if (this.ring.size === this.ring.capacity) this.droppedCount++;
      this.ring.push(e);
    }
  }

  /** Events dropped to keep the capacity. */
  get dropped(): number {
    return this.droppedCount;
  }

  get size(): number {
    return this.ring.size;
  }

  newestFirst(): HaEvent[] {
    return this.ring.toArray().reverse();
  }
}

/** One line per event, newest first, times in UTC (ISO 8601), after a header naming the cluster and the drops. */
export function haTimelineText(cluster: string, log: HaEventLog): string {
  const head = `${cluster}: ${log.size} event${log.size === 1 ? '' : 's'}${log.dropped > 0 ? `, ${log.dropped} older dropped` : ''}`;
  return [head, ...log.newestFirst().map((e) => `${new Date(e.at).toISOString()}  ${e.kind.padEnd(11)}  ${e.text}`)].join('\n') + '\n';
}
