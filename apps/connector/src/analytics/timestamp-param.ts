import { ApiFailure } from '../api/api-failure';

/** Digits only, at most 15 (every such number is exact in a double; epoch ms reach 15 digits in the year 33658). */
const EPOCH_MS = /^\d{1,15}$/;

/**
 * A query parameter that holds a time in milliseconds since the epoch (the analytics APIs'): `fallback` when absent
 * (a missing required one without a fallback, or one that is not a whole number of ms, is 400 INVALID_FIELD).
 */
export function timestampParam(query: URLSearchParams, name: string, fallback?: number): number {
  const raw = query.get(name);
  if (raw === null && fallback !== undefined) return fallback;
  if (raw === null || raw === '') throw new ApiFailure('INVALID_FIELD', `${name}: required, milliseconds since the epoch`);
  if (!EPOCH_MS.test(raw)) {
    throw new ApiFailure('INVALID_FIELD', `${name}: ${JSON.stringify(raw.slice(0, 32))} is not a time in milliseconds since the epoch`);
  }
  return Number(raw);
}
