/** A topology YAML with exactly five errors, for the meta-server's e2e tests (at start-up, in validate and in PUT). */
export const FIVE_PROBLEMS = [
  'domains:',
  '  - { name: domain-01, urls: [http://127.0.0.1:1] }',
  'domainLinks:',
  '  - { n1: domain-01, n2: domain-01 }',
  'clientApps:',
  '  - { appName: ANZ, appId: a, masterUserId: BNZ-1 }',
  '  - { appName: ANZ, appId: b, authEnabled: false }',
].join('\n');

/** The paths of its five errors. */
export const FIVE_PATHS = [
  'domains[0].urls[0]',
  'domainLinks[0]',
  'clientApps[0].masterUserId',
  'clientApps[0].authEnabled',
  'clientApps[1].appName',
];
