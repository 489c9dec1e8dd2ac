import { setting } from '@linker/config';

/** How the processor reaches the mailbox in real mode. */
export const mailboxSettings = {
  mongodbUrl: setting({ env: 'LINKER_MONGODB_URL', kind: 'url', doc: 'MongoDB URL of the mailbox.' }),
  mongodbDatabase: setting({
    env: 'LINKER_MONGODB_DATABASE',
    kind: 'string',
    optional: true,
    doc: 'MongoDB database of the mailbox (default: linker-<domain>).',
  }),
};
