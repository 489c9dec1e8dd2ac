import { Type } from '@sinclair/typebox';

/**
 * Per-slice analytics (docs/protocol.md, Analytics): counters per client app and time slice (an hour by default),
 * written by every connector and processor of a domain, and the unique users counted from ids hashed with the slice.
 * Shared by the server API (`GET /api/v1/analytics`), the meta-server's sums over domains and the web UI.
 */

/** The counted events of a slice. */
export const ANALYTICS_COUNTERS = [
  /** Client frames accepted, by lane and type. */
  'reliable_message',
  'reliable_group_message',
  'fast_message',
  'fast_group_message',
  /** Messages handed to a recipient's socket. */
  'deliveries',
  /** RELIABLE messages stored in a mailbox, handed out by a fetch, parked as dead letters. */
  'stored',
  'fetched',
  'dead_lettered',
  /** Channel publications accepted. */
  'publications',
  /** The app's own events (`POST /analytics`). */
  'clicks',
  'impressions',
] as const;
export type AnalyticsCounter = (typeof ANALYTICS_COUNTERS)[number];

/** The unique-user counts of a slice (HyperLogLog in real mode: within about 0.8%; exact in embedded mode). */
export const ANALYTICS_UNIQUES = [
  /** Users who authenticated a socket. */
  'connected_users',
  /** Users who sent a message or published. */
  'sending_users',
  /** Users named by the app's own events. */
  'event_users',
] as const;
export type AnalyticsUnique = (typeof ANALYTICS_UNIQUES)[number];

/** One slice of one app. */
export interface AnalyticsSlice {
  /** `floor(epoch seconds / sliceSeconds)`. */
  slice: number;
  /** Start of the slice, epoch ms. */
  start: number;
  sliceSeconds: number;
  counters: Record<AnalyticsCounter, number>;
  uniques: Record<AnalyticsUnique, number>;
}

/** `GET /api/v1/analytics?from=&to=` (one domain), and the meta-server's sum over the domains that report. */
export interface AnalyticsReport {
  app: string;
  /** The domains the numbers come from. */
  domains: string[];
  /** Oldest first; slices with nothing counted are left out. */
  slices: AnalyticsSlice[];
}

const counts = (names: readonly string[], description: string) =>
  Type.Object(Object.fromEntries(names.map((name) => [name, Type.Integer({ minimum: 0 })])), { description });

/** `AnalyticsReport` as a schema: the answer of `GET /api/v1/analytics` in the OpenAPI document. */
export const ApiAnalyticsReport = Type.Object({
  app: Type.String(),
  domains: Type.Array(Type.String(), { description: 'The domains the numbers come from.' }),
  slices: Type.Array(
    Type.Object({
      slice: Type.Integer({ description: 'floor(epoch seconds / sliceSeconds)' }),
      start: Type.Integer({ description: 'Start of the slice, epoch ms.' }),
      sliceSeconds: Type.Integer(),
      counters: counts(ANALYTICS_COUNTERS, 'Events counted in the slice.'),
      uniques: counts(ANALYTICS_UNIQUES, 'Unique users in the slice (HyperLogLog in real mode: within about 0.8%).'),
    }),
    { description: 'Oldest first; slices with nothing counted are left out.' },
  ),
});
