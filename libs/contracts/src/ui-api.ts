/**
 * The JSON the web UI's server answers (ADR 0011), shared by that server (apps/meta-server/src/ui) and the page (ui/).
 */

/** One item of `GET /api/links`: the link from `from` to `to` as a processor of `from` reports it. */
export interface LinkObservation {
  from: string;
  to: string;
  up: boolean;
  processor?: string;
  /** When `up` last changed, epoch ms. */
  since?: number;
  rttMs?: number;
  /** Envelopes waiting in custody for this link. */
  waiting?: number;
}
