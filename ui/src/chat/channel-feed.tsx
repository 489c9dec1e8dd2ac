import { time } from './chat-labels';
import { dataText, type Publication } from './channel-list';

/** Publications shown at most (the list keeps more per channel). */
const SHOWN = 50;

/** `chan-publication`: the publications received, newest first: channel, publisher, offset, time, data. */
export function ChannelFeed({ publications, channel }: { publications: Publication[]; channel?: string }) {
  return (
    <div class="feed">
      <h3>{channel === undefined ? 'Publications' : `Publications of ${channel}`}</h3>
      {publications.length === 0 && <p class="hint">Publications to your channels show here as they come.</p>}
      <ol class="publications">
        {publications.slice(0, SHOWN).map((p) => (
          <li
            key={p.key}
            data-testid="chan-publication"
            data-channel={p.channel}
            {...(p.from === undefined ? {} : { 'data-from': p.from })}
            {...(p.offset === undefined ? {} : { 'data-offset': String(p.offset) })}
            class="publication"
          >
            <div class="meta">
              {p.channel} · {p.from === undefined ? 'from the app’s server' : `from ${p.from}`}
              {p.offset !== undefined && ` · offset ${p.offset}`} · {time(p.time)}
            </div>
            <div class="content">{dataText(p.data)}</div>
          </li>
        ))}
      </ol>
    </div>
  );
}
