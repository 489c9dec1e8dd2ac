import { ChatLog, groupPeer, parseRecipients } from './chat-log';

describe('ChatLog', () => {
  const log = () => {
    let now = 0;
    return new ChatLog(() => ++now);
  };

  it('turns a sent message from sent to delivered when its confirmation arrives, with the path it took', () => {
    const chat = log();
    const sent = chat.addOut({ from: 'ANZ-1', to: ['ANZ-3000000'], content: 'hi', kind: 'MESSAGE', lane: 'RELIABLE', reference: 'r1' });
    expect(sent).toMatchObject({ direction: 'out', peer: 'ANZ-3000000', to: 'ANZ-3000000', status: 'sent' });
    expect(chat.confirm('r1', ['domain-01', 'domain-04', 'domain-03'])).toBe(true);
    expect(chat.messages[0]).toMatchObject({ status: 'delivered', path: ['domain-01', 'domain-04', 'domain-03'] });
    expect(chat.confirm('unknown-reference')).toBe(false);
  });

  it('marks a refused message with the reason', () => {
    const chat = log();
    chat.addOut({ from: 'ANZ-1', to: ['XYZ-1'], content: 'hi', kind: 'MESSAGE', lane: 'FAST', reference: 'r2' });
    expect(chat.refuse('r2', 'UNKNOWN_RECIPIENT_APP: …')).toBe(true);
    expect(chat.messages[0]).toMatchObject({ status: 'refused', refusal: 'UNKNOWN_RECIPIENT_APP: …' });
  });

  it('keeps one conversation per peer (a group sent is its own), the latest first, and drops a message id seen twice', () => {
    const chat = log();
    chat.addIn({ id: 'a', from: 'ANZ-2', to: 'ANZ-1', content: 'one' });
    chat.addOut({
      from: 'ANZ-1',
      to: ['ANZ-3', 'ANZ-2', 'ANZ-3'],
      content: 'all',
      kind: 'GROUP_MESSAGE',
      lane: 'RELIABLE',
      reference: 'g',
    });
    expect(chat.addIn({ id: 'a', from: 'ANZ-2', to: 'ANZ-1', content: 'one' })).toBeUndefined();
    chat.addIn({ id: 'b', from: 'ANZ-2', to: 'ANZ-1', content: 'two', fetched: true });
    expect(chat.conversations().map((c) => [c.peer, c.group, c.count, c.last.content])).toEqual([
      ['ANZ-2', false, 2, 'two'],
      ['ANZ-2,ANZ-3', true, 1, 'all'],
    ]);
    expect(chat.of('ANZ-2').map((m) => m.content)).toEqual(['one', 'two']);
    expect(chat.of(undefined)).toHaveLength(3);
  });
});

describe('recipients', () => {
  it('reads ids separated by commas or spaces, each once', () => {
    expect(parseRecipients(' ANZ-1, ANZ-2 ANZ-1,,')).toEqual(['ANZ-1', 'ANZ-2']);
    expect(groupPeer(['b', 'a', 'b'])).toBe('a,b');
  });
});
