import { useEffect, useMemo, useState } from 'preact/hooks';
import type { ChannelSession } from '../chat/channel-session';
import { RateMeter } from './rate-meter';
import { TeamMap } from './team-map';

/** The picture is redrawn this often (positions arrive many times a second; the "heard … ago" times move too). */
const REDRAW_MS = 250;

export interface TeamMapView {
  map: TeamMap;
  /** Publications to the channel per second. */
  rate: RateMeter;
  /** The time the picture is drawn for. */
  now: number;
}

/** The team map of `channel`: fed by each of its publications, redrawn every `REDRAW_MS` while the screen shows. */
export function useTeamMap(channels: ChannelSession, channel: string | undefined, active: boolean): TeamMapView {
  const state = useMemo(() => ({ map: new TeamMap(), rate: new RateMeter() }), [channels, channel]);
  useEffect(
    () =>
      channels.onPublication((publication) => {
        if (publication.channel !== channel) return;
        state.map.add(publication, publication.time);
        state.rate.record(publication.time);
      }),
    [state],
  );
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), REDRAW_MS);
    return () => clearInterval(timer);
  }, [active]);
  return { ...state, now };
}
