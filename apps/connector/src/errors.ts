/** Why the connector failed, for the codes only it throws (others: the libs' own, e.g. `BusErrorCode`). */
export type ConnectorErrorCode =
  /** `start` was called on a connector that is not new (it starts once); not retriable. */
  'CONNECTOR_STATE';
