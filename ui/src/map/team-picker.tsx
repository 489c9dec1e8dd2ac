import { useState } from 'preact/hooks';
import { positionText, type Subscription } from '../chat/channel-list';
import type { ChannelSession } from '../chat/channel-session';
import { useObservable } from '../store';

/** Pick the team channel to watch (with its subscription token if it needs one): subscribes, and says how it went. */
export function TeamPicker(props: { channels: ChannelSession; watching?: string; onWatch: (channel: string) => void }) {
  const { channels, watching } = props;
  useObservable(channels);
  const [name, setName] = useState('ANZ:team-1');
  const [token, setToken] = useState('');
  const submit = async (event: Event) => {
    event.preventDefault();
    const channel = name.trim();
    if (watching !== undefined && watching !== channel && channels.list.get(watching)) await channels.unsubscribeFrom(watching);
    if (channel !== '') props.onWatch(channel);
    await channels.subscribeTo(channel, token);
  };
  return (
    <form class="card" onSubmit={(event) => void submit(event)} aria-label="Team channel">
      <h2>Team</h2>
      <label>
        Team channel
        <input data-testid="map-channel" value={name} onInput={(e) => setName(e.currentTarget.value)} spellcheck={false} />
      </label>
      <label>
        Subscription token <small>(channels with subscribe: token)</small>
        <input
          data-testid="map-sub-token"
          type="password"
          value={token}
          onInput={(e) => setToken(e.currentTarget.value)}
          autocomplete="off"
        />
      </label>
      <button data-testid="map-watch" type="submit" class="primary">
        Watch
      </button>
      {watching !== undefined && <WatchState channel={watching} sub={channels.list.get(watching)} />}
    </form>
  );
}

/** `map-sub`: the watched channel's subscription (`data-state`, `data-code` when refused). */
function WatchState({ channel, sub }: { channel: string; sub?: Subscription }) {
  const state = sub?.state ?? 'none';
  return (
    <p data-testid="map-sub" data-state={state} {...(sub?.code === undefined ? {} : { 'data-code': sub.code })} class={`hint sub-${state}`}>
      {sub === undefined && `Not subscribed to ${channel} (connect, then watch it).`}
      {sub?.state === 'subscribing' && `Subscribing to ${channel}…`}
      {sub?.state === 'subscribed' && `Watching ${channel} (${positionText(sub)}).`}
      {sub?.state === 'refused' && `Refused: ${sub.code ?? ''} ${sub.refusal ?? ''}`}
    </p>
  );
}
