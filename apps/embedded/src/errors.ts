/** Why `npm start` could not begin, for the codes only the embedded mode throws. */
export type EmbeddedErrorCode =
  /** The command line has an unknown flag or a bad value (every problem, with the usage); not retriable. */
  | 'INVALID_FLAGS'
  /** `--domain` names no domain of the topology, or it was left out while the topology has several; not retriable. */
  | 'UNKNOWN_DOMAIN';
