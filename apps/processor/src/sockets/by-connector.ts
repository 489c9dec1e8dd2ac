import type { DeliveryTarget, SocketAddress } from '@linker/contracts';

/**
 * The sockets of some users, grouped by the connector holding them: connector → one target per user (its sockets on
 * that connector). This is what makes "one Delivery per connector, never one per recipient" (a group message to 50
 * users on 2 connectors is 2 records). Users with no socket appear nowhere; a socket listed twice counts once.
 */
export function targetsByConnector(sockets: Iterable<readonly [string, readonly SocketAddress[]]>): Map<string, DeliveryTarget[]> {
  const byConnector = new Map<string, Map<string, Set<string>>>();
  for (const [userId, addresses] of sockets) {
    for (const { connector, socketId } of addresses) {
      let users = byConnector.get(connector);
      if (!users) byConnector.set(connector, (users = new Map()));
      let ids = users.get(userId);
      if (!ids) users.set(userId, (ids = new Set()));
      ids.add(socketId);
    }
  }
  const result = new Map<string, DeliveryTarget[]>();
  for (const [connector, users] of byConnector) {
    result.set(
      connector,
      [...users].map(([userId, ids]) => ({ userId, socketIds: [...ids] })),
    );
  }
  return result;
}
