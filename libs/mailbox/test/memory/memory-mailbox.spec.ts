import { MemoryMailbox } from '@linker/mailbox';
import { mailboxContract } from '@linker/testing/contracts/mailbox.contract';

// The twin keeps nothing across a restart by design, so its harness has no `restart`.
mailboxContract('MemoryMailbox', {
  open: async () => new MemoryMailbox(),
});
