import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { API_ERROR_CODES, CLOSE_CODES, ERROR_CODES } from '@linker/contracts';
import { configTable } from './config-table';

// The README documents the protocol's and the server API's codes; the code has the one table of each. This keeps them in step.
const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');

describe('README', () => {
  it('starts with the two commands: run and test', () => {
    const firstBlock = readme.slice(readme.indexOf('```bash'), readme.indexOf('```', readme.indexOf('```bash') + 3));
    expect(firstBlock).toContain('npm start');
    expect(firstBlock).toContain('npm test');
  });

  it.each(Object.entries(ERROR_CODES))('documents error code %s as the code says', (code, meaning) => {
    expect(readme).toContain(`| \`${code}\` | ${meaning} |`);
  });

  it.each(Object.entries(API_ERROR_CODES))('documents server API error code %s as the code says', (code, { status, meaning }) => {
    expect(readme).toContain(`| \`${code}\` | ${status} | ${meaning} |`);
  });

  it.each(Object.entries(CLOSE_CODES))('documents close code %s as the code says', (name, { code, reason }) => {
    expect(readme).toContain(`| ${code} | \`${name}\` | ${reason} |`);
  });
});

describe('README configuration table', () => {
  it('is the one generated from the config declarations (run `npm run docs:config` after changing a setting)', () => {
    expect(readme).toContain(configTable());
  });
});
