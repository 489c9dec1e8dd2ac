import { LinkerError, type CommonErrorCode } from '@linker/kernel';

/** How many domain-to-domain hops an envelope may make by default (docs/protocol.md, Next hops). */
export const DEFAULT_MAX_HOPS = 16;

/**
 * The routing facts an envelope carries (the `hops` and `path` fields of `@linker/contracts`' `Envelope`).
 *
 * Convention: `path` starts with the domain of origin, and the domain that forwards an envelope appends the next
 * hop when it hands it over (`forwardTrail`), so at every domain the last element of `path` is that domain and
 * `hops` is `path.length - 1`. A receiving domain does not append itself.
 */
export interface HopTrail {
  readonly hops: number;
  readonly path: readonly string[];
}

/**
 * Whether an envelope may be handed to `nextHop`:
 * - `hop-limit`: it has made `maxHops` hops already; it is dead-lettered with its path.
 * - `loop`: `nextHop` is already on its path: the route leads back to a domain it has crossed. This is how a
 *   loop is seen, but after a failover it can also be a legitimate turn-back (a domain whose link onward died
 *   routes back the way the envelope came); the caller decides (keep it in custody until the routes change, or
 *   dead-letter it); the hop limit is what finally stops a loop that is not caught here.
 */
export type ForwardCheck = { readonly ok: true } | { readonly ok: false; readonly reason: 'hop-limit' | 'loop'; readonly message: string };

const OK: ForwardCheck = { ok: true };

/**
 * May an envelope with this trail be forwarded to `nextHop`? Checks the hop limit first, then the loop.
 * `maxHops` must be a positive integer (`INVALID_ARGUMENT` otherwise).
 */
export function checkForward(trail: HopTrail, nextHop: string, maxHops: number = DEFAULT_MAX_HOPS): ForwardCheck {
  if (!(Number.isInteger(maxHops) && maxHops > 0)) {
    throw new LinkerError<CommonErrorCode>('INVALID_ARGUMENT', `maxHops must be a positive integer, got ${maxHops}`);
  }
  if (trail.hops >= maxHops) {
    return { ok: false, reason: 'hop-limit', message: `hop limit ${maxHops} reached after ${trail.hops} hops: ${describe(trail.path)}` };
  }
  if (trail.path.includes(nextHop)) {
    return { ok: false, reason: 'loop', message: `next hop ${nextHop} is already on the path ${describe(trail.path)}` };
  }
  return OK;
}

/** The trail after the hand-over to `nextHop`: one more hop, `nextHop` appended to the path (a copy; `trail` is unchanged). */
export function forwardTrail<T extends HopTrail>(trail: T, nextHop: string): T {
  return { ...trail, hops: trail.hops + 1, path: [...trail.path, nextHop] };
}

function describe(path: readonly string[]): string {
  return path.length === 0 ? '(empty path)' : path.join(' → ');
}
