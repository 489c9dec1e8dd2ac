import type { CommonErrorCode } from '@linker/kernel';

/** Why the meta-server failed, for the codes it throws (others: the libs' own, e.g. `TopologyErrorCode`). */
export type MetaServerErrorCode =
  /** The MongoDB topology history could not be read or written; retriable. */
  | 'TOPOLOGY_HISTORY_UNAVAILABLE'
  /** The newest version in the history has no YAML to serve; not retriable. */
  | 'TOPOLOGY_HISTORY_INCOMPLETE'
  /** A request's query names no user, link or domain it can take (every problem in the message); not retriable. */
  | CommonErrorCode;
