import { useEffect, useState } from 'preact/hooks';
import type { DataFormat } from './channel-list';
import type { ChannelSession, PublishOutcome } from './channel-session';
import type { Lane } from './chat-log';

/** PUBLISH: the channel (the selected subscription's by default), the data as text or JSON, the lane; its outcome. */
export function ChannelPublish({ channels, channel }: { channels: ChannelSession; channel?: string }) {
  const [to, setTo] = useState('');
  const [data, setData] = useState('');
  const [format, setFormat] = useState<DataFormat>('text');
  const [lane, setLane] = useState<Lane>('RELIABLE');
  useEffect(() => {
    if (channel !== undefined) setTo(channel);
  }, [channel]);
  const submit = (event: Event) => {
    event.preventDefault();
    if (channels.publish(to, data, format, lane)) setData('');
  };
  return (
    <form class="publish" onSubmit={submit} aria-label="Publish">
      <label>
        Publish to
        <input
          data-testid="chan-pub-channel"
          value={to}
          onInput={(e) => setTo(e.currentTarget.value)}
          placeholder="ANZ:chat-room"
          spellcheck={false}
        />
      </label>
      <label>
        Data
        <textarea
          data-testid="chan-pub-data"
          rows={2}
          value={data}
          onInput={(e) => setData(e.currentTarget.value)}
          placeholder='hello, or {"lat": 40.4, "lon": -3.7}'
        />
      </label>
      <PublishOptions format={format} lane={lane} onFormat={setFormat} onLane={setLane} />
      {channels.lastPublish && <PublishResult outcome={channels.lastPublish} />}
    </form>
  );
}

/** Text or JSON, the lane, and *Publish*. */
function PublishOptions(props: { format: DataFormat; lane: Lane; onFormat: (format: DataFormat) => void; onLane: (lane: Lane) => void }) {
  return (
    <div class="row">
      <label>
        As
        <select data-testid="chan-pub-format" value={props.format} onChange={(e) => props.onFormat(e.currentTarget.value as DataFormat)}>
          <option value="text">text (a string)</option>
          <option value="json">JSON</option>
        </select>
      </label>
      <label>
        Lane
        <select data-testid="chan-pub-lane" value={props.lane} onChange={(e) => props.onLane(e.currentTarget.value as Lane)}>
          <option value="RELIABLE">RELIABLE (kept in the history)</option>
          <option value="FAST">FAST (never kept)</option>
        </select>
      </label>
      <button data-testid="chan-publish" type="submit" class="primary">
        Publish
      </button>
    </div>
  );
}

/** `chan-pub-result`: the last publication sent, accepted, or refused with its code. */
function PublishResult({ outcome }: { outcome: PublishOutcome }) {
  return (
    <p
      data-testid="chan-pub-result"
      data-status={outcome.status}
      {...(outcome.code === undefined ? {} : { 'data-code': outcome.code })}
      class={`status status-${outcome.status}`}
    >
      {outcome.status === 'refused'
        ? `Refused on ${outcome.channel}: ${outcome.code}, ${outcome.text}`
        : `${outcome.status === 'accepted' ? 'Accepted' : 'Sent'} on ${outcome.channel}.`}
    </p>
  );
}
