/**
 * The processor's de-duplication windows are `IdWindow`s of @linker/kernel: the intake's (redelivered records) and
 * the confirmations' (each sent once). Forgetting an id early is safe: every effect is idempotent (mailbox by id,
 * connector by (socket, id)); a window only saves the repeated work. handlers/ still import the type from here.
 */
export type { IdWindow } from '@linker/kernel';

/** How long an id is remembered at most (SPEC §3.1: the de-duplication window is at least 10 minutes). */
export const DEDUP_MAX_AGE_MS = 10 * 60_000;
