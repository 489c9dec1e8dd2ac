import { analyticsStoreContract } from '@linker/testing/contracts/analytics-store.contract';
import { MemoryAnalyticsStore } from '@linker/analytics';

analyticsStoreContract('memory', {
  open: (settings) => new MemoryAnalyticsStore(settings),
  // One object serves every writer of the process (embedded mode), and closing it keeps its data.
  another: (store) => store,
  uniqueError: 0,
});
