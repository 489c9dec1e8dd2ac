/** Why the processor failed an envelope, for the codes only it throws (others: the libs' own, e.g. `RecordErrorCode`). */
export type ProcessorErrorCode =
  /** Presence may be missing live sockets (Redis came back empty and the connectors register theirs again): the batch waits; retriable. */
  | 'PRESENCE_SETTLING'
  /** A confirmation's sender lives in a domain this one cannot reach; not retriable (it is dead-lettered). */
  | 'UNREACHABLE_DOMAIN';
