import type { BenchConnection } from './client';
import { oneWayRoute, pairRoute, peerOf } from './load-step';

const connection = (userId: string): BenchConnection => ({
  userId,
  send: () => true,
  fetch: () => Promise.resolve(0),
  ack: () => undefined,
  close: () => Promise.resolve(),
});

describe('who sends to whom', () => {
  it('pairs connections on one endpoint: each sends to its pair', () => {
    const connections = ['A-1', 'A-2', 'A-3', 'A-4'].map(connection);
    expect([0, 1, 2, 3].map(peerOf)).toEqual([1, 0, 3, 2]);
    expect(pairRoute(connections)).toEqual({ senders: connections, to: ['A-2', 'A-1', 'A-4', 'A-3'], connections: 4 });
  });

  it('sends one way from each sender to its own recipient (elsewhere)', () => {
    const senders = ['A-1', 'A-2'].map(connection);
    const recipients = ['A-1000000001', 'A-1000000002'].map(connection);
    expect(oneWayRoute(senders, recipients)).toEqual({ senders, to: ['A-1000000001', 'A-1000000002'], connections: 4 });
    expect(() => oneWayRoute(senders, recipients.slice(1))).toThrow('2 senders but 1 recipients');
  });
});
