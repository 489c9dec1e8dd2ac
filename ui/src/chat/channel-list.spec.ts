import { ChannelList, dataText, parseData, positionText } from './channel-list';

describe('ChannelList', () => {
  const list = (keep?: number) => {
    let now = 0;
    return new ChannelList(() => ++now, keep);
  };

  it('follows a subscription from subscribing to subscribed, with where the history is', () => {
    const channels = list();
    channels.subscribing('ANZ:room-1');
    expect(channels.get('ANZ:room-1')).toMatchObject({ state: 'subscribing', count: 0 });
    channels.subscribed({ channel: 'ANZ:room-1', epoch: 'e1', offset: 4 });
    expect(channels.get('ANZ:room-1')).toMatchObject({ state: 'subscribed', epoch: 'e1', offset: 4, resubscribed: 0 });
    expect(channels.get('ANZ:room-1')?.continuity).toBeUndefined();
  });

  it('says whether a re-subscription after a reconnect recovered what was missed, or continuity was lost', () => {
    const channels = list();
    channels.subscribing('ANZ:room-1');
    channels.subscribed({ channel: 'ANZ:room-1', epoch: 'e1', offset: 0 });
    channels.subscribed({ channel: 'ANZ:room-1', epoch: 'e1', offset: 3, recovered: true });
    expect(channels.get('ANZ:room-1')).toMatchObject({ continuity: 'recovered', resubscribed: 1, offset: 3 });
    channels.subscribed({ channel: 'ANZ:room-1', epoch: 'e2', offset: 0, recovered: false });
    expect(channels.get('ANZ:room-1')).toMatchObject({ continuity: 'lost', resubscribed: 2, epoch: 'e2', offset: 0 });
  });

  it('keeps a refusal with its code, and asking again clears it', () => {
    const channels = list();
    channels.subscribing('ANZ:nowhere');
    channels.refused('ANZ:nowhere', 'UNKNOWN_CHANNEL', 'No rule names this channel.');
    expect(channels.get('ANZ:nowhere')).toMatchObject({ state: 'refused', code: 'UNKNOWN_CHANNEL' });
    channels.subscribing('ANZ:nowhere');
    expect(channels.get('ANZ:nowhere')).toMatchObject({ state: 'subscribing', code: undefined, refusal: undefined });
  });

  it('counts the publications of each channel, moves its offset on, and lists them newest first', () => {
    const channels = list();
    channels.subscribing('ANZ:a');
    channels.subscribed({ channel: 'ANZ:a', epoch: 'e', offset: 0 });
    channels.receive({ channel: 'ANZ:a', data: 'one', from: 'ANZ-1', offset: 1 });
    channels.receive({ channel: 'ANZ:b', data: { x: 1 } });
    channels.receive({ channel: 'ANZ:a', data: 'two', offset: 2 });
    expect(channels.get('ANZ:a')).toMatchObject({ count: 2, offset: 2 });
    expect(channels.publications('ANZ:a').map((p) => p.data)).toEqual(['two', 'one']);
    expect(channels.publications().map((p) => p.channel)).toEqual(['ANZ:a', 'ANZ:b', 'ANZ:a']);
    expect(channels.publications('ANZ:a')[1]).toMatchObject({ from: 'ANZ-1', offset: 1, time: 1 });
  });

  it('keeps at most `keep` publications per channel, the newest', () => {
    const channels = list(3);
    for (let n = 1; n <= 5; n++) channels.receive({ channel: 'ANZ:a', data: n });
    expect(channels.publications('ANZ:a').map((p) => p.data)).toEqual([5, 4, 3]);
  });

  it('forgets an unsubscribed channel and its publications', () => {
    const channels = list();
    channels.subscribing('ANZ:a');
    channels.receive({ channel: 'ANZ:a', data: 1 });
    channels.removed('ANZ:a');
    expect(channels.subscriptions()).toEqual([]);
    expect(channels.publications()).toEqual([]);
  });
});

describe('publication data', () => {
  it('reads text as a string and JSON as its value, saying why JSON is not', () => {
    expect(parseData('hello', 'text')).toEqual({ ok: true, data: 'hello' });
    expect(parseData('{"lat": 1, "lon": 2}', 'json')).toEqual({ ok: true, data: { lat: 1, lon: 2 } });
    expect(parseData('"quoted"', 'json')).toEqual({ ok: true, data: 'quoted' });
    expect(parseData('{oops', 'json')).toMatchObject({ ok: false, why: expect.stringMatching(/^Not JSON: /) as unknown });
    expect(parseData('', 'text')).toMatchObject({ ok: false });
  });

  it('shows a string as is, anything else as JSON, and the history position or that there is none', () => {
    expect(dataText('hi')).toBe('hi');
    expect(dataText({ n: 2 })).toBe('{"n":2}');
    expect(positionText({})).toBe('no history');
    expect(positionText({ epoch: '0123456789', offset: 7 })).toBe('epoch 01234567, offset 7');
  });
});
