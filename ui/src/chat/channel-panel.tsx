import { useState } from 'preact/hooks';
import { useObservable } from '../store';
import { ChannelFeed } from './channel-feed';
import { positionText, type Subscription } from './channel-list';
import { ChannelPublish } from './channel-publish';
import type { ChannelSession } from './channel-session';

/** The channels card: subscribe, the subscriptions (history position, recovery), publish, the publications. */
export function ChannelPanel({ channels }: { channels: ChannelSession }) {
  useObservable(channels);
  const [selected, setSelected] = useState<string | undefined>(undefined);
  const subs = channels.list.subscriptions();
  const shown = selected !== undefined && channels.list.get(selected) ? selected : undefined;
  return (
    <section class="card channels" aria-label="Channels">
      <h2>Channels</h2>
      <div class="channels-grid">
        <div>
          <SubscribeForm channels={channels} />
          <SubscriptionList subs={subs} selected={shown} onSelect={setSelected} channels={channels} />
        </div>
        <ChannelPublish channels={channels} channel={shown} />
        <ChannelFeed publications={channels.list.publications(shown)} channel={shown} />
      </div>
    </section>
  );
}

function SubscribeForm({ channels }: { channels: ChannelSession }) {
  const [name, setName] = useState('');
  const [token, setToken] = useState('');
  const submit = (event: Event) => {
    event.preventDefault();
    void channels.subscribeTo(name, token);
  };
  return (
    <form class="row" onSubmit={submit} aria-label="Subscribe">
      <label class="grow">
        Channel
        <input
          data-testid="chan-name"
          value={name}
          onInput={(e) => setName(e.currentTarget.value)}
          placeholder="ANZ:team-1"
          spellcheck={false}
        />
      </label>
      <label class="grow">
        Subscription token <small>(channels with subscribe: token)</small>
        <input data-testid="chan-token" type="password" value={token} onInput={(e) => setToken(e.currentTarget.value)} autocomplete="off" />
      </label>
      <button data-testid="chan-subscribe" type="submit" class="primary">
        Subscribe
      </button>
    </form>
  );
}

function SubscriptionList(props: {
  subs: Subscription[];
  selected?: string;
  onSelect: (channel: string | undefined) => void;
  channels: ChannelSession;
}) {
  if (props.subs.length === 0)
    return <p class="hint">No subscriptions. A channel’s name is the app’s name, a colon, then the channel’s.</p>;
  return (
    <ul class="subscriptions">
      {props.subs.map((sub) => (
        <SubscriptionItem
          key={sub.channel}
          sub={sub}
          selected={sub.channel === props.selected}
          onSelect={() => props.onSelect(sub.channel === props.selected ? undefined : sub.channel)}
          onUnsubscribe={() => void props.channels.unsubscribeFrom(sub.channel)}
        />
      ))}
    </ul>
  );
}

/** `chan-sub`: a channel, its state, where its history is, whether a reconnect recovered what was missed. */
function SubscriptionItem(props: { sub: Subscription; selected: boolean; onSelect: () => void; onUnsubscribe: () => void }) {
  const { sub } = props;
  return (
    <li
      data-testid="chan-sub"
      data-channel={sub.channel}
      data-state={sub.state}
      {...(sub.code === undefined ? {} : { 'data-code': sub.code })}
      {...(sub.offset === undefined ? {} : { 'data-offset': String(sub.offset) })}
      {...(sub.continuity === undefined ? {} : { 'data-continuity': sub.continuity })}
      class={`subscription sub-${sub.state}${props.selected ? ' selected' : ''}`}
    >
      <button type="button" class="link" onClick={props.onSelect} title="Show only this channel’s publications">
        {sub.channel}
      </button>{' '}
      <small>{subscriptionText(sub)}</small>
      <button data-testid="chan-unsubscribe" type="button" class="link" onClick={props.onUnsubscribe}>
        {sub.state === 'refused' ? 'dismiss' : 'unsubscribe'}
      </button>
    </li>
  );
}

function subscriptionText(sub: Subscription): string {
  if (sub.state === 'refused') return `refused: ${sub.code === undefined ? '' : `${sub.code}, `}${sub.refusal ?? ''}`;
  if (sub.state === 'subscribing') return 'subscribing…';
  return `${positionText(sub)} · ${sub.count} received${continuityText(sub)}`;
}

/** What the last reconnect did to the subscription. */
function continuityText(sub: Subscription): string {
  if (sub.continuity === 'recovered') return ' · recovered after the reconnect';
  if (sub.continuity === 'lost') return ' · continuity lost at the reconnect (publications missed)';
  if (sub.resubscribed > 0) return ' · subscribed again after a reconnect (no history: what was published meanwhile is missed)';
  return '';
}
