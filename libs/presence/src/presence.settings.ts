import { setting } from '@linker/config';

/** How an app reaches presence in real mode. */
export const presenceSettings = {
  redisUrl: setting({ env: 'LINKER_REDIS_URL', kind: 'url', doc: 'Redis URL of the presence store.' }),
};
