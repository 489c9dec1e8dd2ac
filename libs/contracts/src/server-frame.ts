/**
 * Server → client frame: absent fields are omitted; `feature` and `confirmationEnabled` are never sent. In a module
 * of its own, free of the schema library, because the client SDK's published types include it.
 */
export interface ServerFrame {
  type: string;
  data: unknown;
  reference?: string;
  /** The message id, on MESSAGE frames (ours; original clients ignore it). */
  id?: string;
}
