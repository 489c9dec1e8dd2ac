import { MongoClient } from 'mongodb';
import { MongoMailbox, type Mailbox } from '@linker/mailbox';
import { uniqueName } from '@linker/testing';

/** Each mailbox gets its own database and its own client (a restart is a new connection); all dropped after. */
export function mongoHarness(url: string) {
  const databases = new Map<Mailbox, string>();
  const openOn = async (database: string): Promise<Mailbox> => {
    const mailbox = await MongoMailbox.open({ url, database });
    databases.set(mailbox, database);
    return mailbox;
  };
  return {
    url,
    open: () => openOn(uniqueName('mailbox')),
    restart: async (mailbox: Mailbox) => {
      await mailbox.close();
      return openOn(databases.get(mailbox) as string);
    },
    cleanup: async () => {
      const admin = await MongoClient.connect(url);
      try {
        for (const database of new Set(databases.values())) await admin.db(database).dropDatabase();
      } finally {
        await admin.close();
      }
    },
  };
}
