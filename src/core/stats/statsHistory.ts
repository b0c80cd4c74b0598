/**
 * Bounded time series per real server of one director: a RingBuffer of HistoryPoints per series, and
 * series of real servers that vanished are dropped after `forgetAfterTicks` ticks, so neither the points
 * nor the number of series grow without bound.
 */
import type { DirectorSnapshot, HistoryPoint, SeriesHistory } from '../../shared/statsProtocol';
import { RingBuffer } from './ringBuffer';

export interface HistoryOptions {
  /** Points per series (default 300: 10 minutes at 2 s). */
  capacity?: number;
  /** Drop a series not seen for this many ticks (default 30). */
  forgetAfterTicks?: number;
}

interface Series {
  ring: RingBuffer<HistoryPoint>;
  lastTick: number;
}

export class StatsHistory {
  private readonly series = new Map<string, Series>();
  private tick = 0;
  readonly capacity: number;
  private readonly forgetAfter: number;

  constructor(options: HistoryOptions = {}) {
    this.capacity = options.capacity ?? 300;
    this.forgetAfter = options.forgetAfterTicks ?? 30;
  }

  add(snapshot: DirectorSnapshot): void {
    this.tick++;
    const t = snapshot.time / 1000;
    for (const svc of snapshot.services) {
      for (const rs of svc.realServers) {
        let s = this.series.get(rs.id);
        if (!s) {
          s = { ring: new RingBuffer<HistoryPoint>(this.capacity), lastTick: this.tick };
          this.series.set(rs.id, s);
        }
        s.lastTick = this.tick;
        const v = rs.delta ?? rs.rate; // exact deltas when there are, else the kernel's integer estimator
        s.ring.push({ t, cps: v.cps, bps: v.inBps + v.outBps });
      }
    }
    for (const [id, s] of this.series) if (this.tick - s.lastTick > this.forgetAfter) this.series.delete(id);
  }

  seriesCount(): number {
    return this.series.size;
  }

  /** Points held over all series. */
  pointCount(): number {
    let n = 0;
    for (const s of this.series.values()) n += s.ring.size;
    return n;
  }

  toJSON(): SeriesHistory[] {
    return [...this.series].map(([id, s]) => ({ id, points: s.ring.toArray() }));
  }
}
