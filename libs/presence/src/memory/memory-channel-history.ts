import {
  newEpoch,
  recoveryFrom,
  type Appended,
  type AppendRequest,
  type ChannelHistory,
  type DatedEntry,
  type HistoryLimits,
  type HistoryPosition,
  type HistorySince,
} from '../channel-history.port';

interface State {
  epoch: string;
  offset: number;
  /** Publications that entered the federation here, numbered. */
  out: number;
  /** The last number seen from each other domain. */
  from: Map<string, number>;
  entries: DatedEntry[];
  ids: Map<string, { appended: Appended; at: number }>;
  touchedAt: number;
}

/** `ChannelHistory` in this process (embedded mode): lost with it, which a new epoch after a restart tells. */
export class MemoryChannelHistory implements ChannelHistory {
  private readonly channels = new Map<string, State>();

  async position(channel: string, limits: HistoryLimits): Promise<HistoryPosition> {
    const state = this.state(channel, limits, Date.now());
    return { epoch: state.epoch, offset: state.offset };
  }

  async append(request: AppendRequest): Promise<Appended> {
    const { channel, id, now, size, origin, domain, entry } = request;
    const state = this.state(channel, request, now);
    const done = state.ids.get(id);
    if (done !== undefined) return done.appended;
    let from = origin;
    if (from === undefined) from = { domain, seq: (state.out += 1) };
    else {
      const last = state.from.get(from.domain);
      if (last !== undefined && from.seq !== last + 1) this.restart(state); // a gap: what came between never came here
      state.from.set(from.domain, from.seq);
    }
    state.offset += 1;
    state.entries.push({ ...entry, offset: state.offset, at: now });
    if (state.entries.length > size) state.entries.splice(0, state.entries.length - size);
    const appended: Appended = { epoch: state.epoch, offset: state.offset, origin: from };
    state.ids.set(id, { appended, at: now });
    state.touchedAt = now;
    return appended;
  }

  async since(channel: string, from: HistoryPosition, limits: HistoryLimits): Promise<HistorySince> {
    const now = Date.now();
    const state = this.state(channel, limits, now);
    return recoveryFrom({ epoch: state.epoch, offset: state.offset }, from, state.entries, limits, now);
  }

  async close(): Promise<void> {
    this.channels.clear();
  }

  /** The channel's state, started anew when it has none or it expired (`ttlSeconds` untouched). */
  private state(channel: string, { ttlSeconds }: HistoryLimits, now: number): State {
    let state = this.channels.get(channel);
    if (state === undefined || now - state.touchedAt > ttlSeconds * 1000) {
      state = { epoch: newEpoch(), offset: 0, out: 0, from: new Map(), entries: [], ids: new Map(), touchedAt: now };
      this.channels.set(channel, state);
    }
    for (const [id, { at }] of state.ids) {
      if (now - at <= ttlSeconds * 1000) break;
      state.ids.delete(id);
    }
    return state;
  }

  private restart(state: State): void {
    state.epoch = newEpoch();
    state.offset = 0;
    state.entries = [];
  }
}
