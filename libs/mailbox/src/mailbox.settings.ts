import { setting } from '@linker/config';

/** How the processor reaches the mailbox in real mode. */
export const mailboxSettings = {
  mongodbUrl: setting({
    env: 'LINKER_MONGODB_URL',
    kind: 'url',
    secret: true,
    doc: 'MongoDB URL of the mailbox. TLS and credentials go in the URL, as the driver reads them: `mongodb://user:password@host/?tls=true&tlsCAFile=/path/ca.pem&tlsCertificateKeyFile=/path/client.pem&authSource=admin` (or `mongodb+srv://`, TLS on by itself). Never logged.',
  }),
  mongodbDatabase: setting({
    env: 'LINKER_MONGODB_DATABASE',
    kind: 'string',
    optional: true,
    doc: 'MongoDB database of the mailbox (default: linker-<domain>).',
  }),
};
