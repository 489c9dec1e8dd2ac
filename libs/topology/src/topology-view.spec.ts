import { APP_NAME_PATTERN, MAX_USER_NUMBER, parseUserId } from './topology-view';

// The validator checks app names with APP_NAME_PATTERN and numbers against MAX_USER_NUMBER; the lookups parse user
// ids with their own expression. These cases keep the three in step.
describe('user-id rule', () => {
  it.each(['ANZ', 'domain1', 'a_b', 'Z9'])('an app name %s that the validator accepts prefixes parseable user ids', (name) => {
    expect(APP_NAME_PATTERN.test(name)).toBe(true);
    expect(parseUserId(`${name}-${MAX_USER_NUMBER}`)).toEqual({ appName: name, number: MAX_USER_NUMBER });
  });

  it.each(['A-NZ', 'A NZ', 'ANZ.', ''])('an app name %j that the validator refuses could not prefix a user id', (name) => {
    expect(APP_NAME_PATTERN.test(name)).toBe(false);
    expect(parseUserId(`${name}-1`)?.appName).not.toBe(name);
  });

  it('a number past MAX_USER_NUMBER is not a user id', () => {
    expect(parseUserId(`ANZ-${MAX_USER_NUMBER}0`)).toBeUndefined();
  });
});
