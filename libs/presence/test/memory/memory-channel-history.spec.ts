import { channelHistoryContract } from '@linker/testing/contracts/channel-history.contract';
import { MemoryChannelHistory } from '@linker/presence';

channelHistoryContract('memory', { open: () => new MemoryChannelHistory() });
