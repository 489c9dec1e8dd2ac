import { UserRates } from './user-rates';

describe('UserRates', () => {
  it('holds one bucket per user (its burst, then its rate), apart from other users', () => {
    const rates = new UserRates(10, 20, 0);
    const taken = Array.from({ length: 25 }, () => rates.take('ANZ-1', 0, 0, 1)).filter(Boolean).length;
    expect(taken).toBe(20);
    expect(rates.take('ANZ-2', 0, 0, 1)).toBe(true);
    expect(rates.take('ANZ-1', 99, 0, 1)).toBe(false); // 0.99 token refilled
    expect(rates.take('ANZ-1', 100, 0, 1)).toBe(true);
    expect(rates.take('ANZ-1', 100, 0, 5)).toBe(false); // a cost is taken whole or not at all
  });

  it('forgets a bucket once it is full again, and only then', () => {
    const rates = new UserRates(10, 20, 0);
    for (let i = 0; i < 20; i++) rates.take('ANZ-1', 0, 0, 1);
    rates.take('ANZ-2', 1_999, 0, 1);
    expect(rates.size).toBe(2);
    rates.take('ANZ-2', 2_000, 0, 1); // a sweep: ANZ-1 is full at 2 s (20 tokens at 10/s); ANZ-2 is not
    expect(rates.size).toBe(1);
    expect(Array.from({ length: 21 }, () => rates.take('ANZ-1', 2_000, 0, 1)).filter(Boolean).length).toBe(20);
  });
});
