import type { ServerResponse } from 'node:http';
import { HttpException } from '@nestjs/common';
import { MAX_QUEUED_VALIDATIONS, ValidationBudget } from './validation-budget';

/** A response that only records its headers. */
function response(): ServerResponse & { headers: Record<string, string> } {
  const headers: Record<string, string> = {};
  return { headers, setHeader: (name: string, value: string) => void (headers[name] = value) } as unknown as ServerResponse & {
    headers: Record<string, string>;
  };
}

/** The status `admit` refused with, or 'admitted'. */
function admit(budget: ValidationBudget, address: string, queued = 0, res = response()): number | 'admitted' {
  try {
    budget.admit(address, queued, res);
    return 'admitted';
  } catch (error) {
    return (error as HttpException).getStatus();
  }
}

describe('ValidationBudget', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => (now = 0));

  it('lets an address spend 10 s worth of its rate at once, then refuses it with 429 and Retry-After until it refilled', () => {
    const budget = new ValidationBudget(100, clock);
    for (let i = 0; i < 10; i++) {
      expect(admit(budget, 'a')).toBe('admitted');
      budget.charge('a', 100);
    }
    const refused = response();
    expect(admit(budget, 'a', 0, refused)).toBe(429);
    expect(refused.headers['Retry-After']).toBe('1');
    now += 500; // 50 ms refilled: enough for the next one
    expect(admit(budget, 'a')).toBe('admitted');
    budget.charge('a', 450); // an expensive one: 400 ms in debt, 4 s at 100 ms/s
    const later = response();
    expect(admit(budget, 'a', 0, later)).toBe(429);
    expect(later.headers['Retry-After']).toBe('4');
    expect(budget.waitSeconds('a')).toBe(4);
  });

  it('keeps one bucket per address', () => {
    const budget = new ValidationBudget(10, clock);
    budget.charge('a', 1000);
    expect(admit(budget, 'a')).toBe(429);
    expect(admit(budget, 'b')).toBe('admitted');
  });

  it(`refuses with 503 and Retry-After: 1 when ${MAX_QUEUED_VALIDATIONS} validations already wait`, () => {
    const budget = new ValidationBudget(100, clock);
    const busy = response();
    expect(admit(budget, 'a', MAX_QUEUED_VALIDATIONS, busy)).toBe(503);
    expect(busy.headers['Retry-After']).toBe('1');
    expect(admit(budget, 'a', MAX_QUEUED_VALIDATIONS - 1)).toBe('admitted');
  });

  it('0 ms per second: no limit', () => {
    const budget = new ValidationBudget(0, clock);
    budget.charge('a', 1_000_000);
    expect(admit(budget, 'a')).toBe('admitted');
  });
});
