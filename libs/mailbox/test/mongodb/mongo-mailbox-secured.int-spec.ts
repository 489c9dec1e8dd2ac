import { MongoMailbox } from '@linker/mailbox';
import { securedTestServices, TestPki, uniqueName } from '@linker/testing';
import { mailboxContract } from '@linker/testing/contracts/mailbox.contract';
import { mongoHarness } from './testing/mongo-harness';

/** The secured MongoDB-wire server (FerretDB, TLS only, with the test CA), reached through the URL's own TLS options. */
const secured = securedTestServices();

mailboxContract('MongoMailbox over TLS (the URL with tls=true&tlsCAFile=…)', mongoHarness(secured.mongodbUrl));

describe('MongoMailbox against a TLS-only server', () => {
  const pki = new TestPki();
  afterAll(() => pki.cleanUp());

  it('does not open when the URL trusts another CA: it fails within the server selection timeout, naming the certificate', async () => {
    const url = new URL(secured.mongodbUrl);
    url.searchParams.set('tlsCAFile', pki.ca('another-ca').certFile);
    url.searchParams.set('serverSelectionTimeoutMS', '3000');
    await expect(MongoMailbox.open({ url: url.toString(), database: uniqueName('refused') })).rejects.toThrow(/certificate/);
  }, 30_000);

  it('does not open in cleartext: the server speaks TLS only', async () => {
    const url = new URL(secured.mongodbUrl);
    url.search = '?serverSelectionTimeoutMS=3000';
    await expect(MongoMailbox.open({ url: url.toString(), database: uniqueName('refused') })).rejects.toThrow();
  }, 30_000);
});
