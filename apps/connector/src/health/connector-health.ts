/** Where a connector is in its life. Only `running` serves clients. */
export type ConnectorStatus = 'created' | 'starting' | 'running' | 'draining' | 'stopped';

/** What `GET /health` on the client port answers (200 while `running`, 503 otherwise). No user ids, no message data. */
export interface ConnectorHealth {
  status: ConnectorStatus;
  domain: string;
  connector: string;
  /** Open client sockets, and how many of them are authenticated. */
  sockets: number;
  authenticated: number;
  /** Whether this connector's presence lease was renewed within its ttl (if not, its users look offline). */
  presenceLease: boolean;
  /** Client frames handed to the lanes and not accepted yet; at `LINKER_MAX_PENDING_PUBLISHES` on a lane, new ones get OVERLOADED. */
  pendingPublishes: number;
  /** Server API answers since start: how many succeeded, and the refusals by code (401s included; never a key). */
  api: { answered: number; refused: Partial<Record<string, number>> };
  /** Analytics events written to the store since start, and dropped (the store failed or did not answer). */
  analytics?: { written: number; dropped: number };
}

export function isServing(health: ConnectorHealth): boolean {
  return health.status === 'running' && health.presenceLease;
}
