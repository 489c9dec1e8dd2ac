import { domainLinkContract } from '@linker/testing/contracts/domain-link.contract';
import { impostorServer } from '../testing/scripted-peers';
import { FakeLinkServer } from './testing/fake-peer';
import { WsLinkTransport } from '../../src/ws/ws-link-transport';

// Real sockets on loopback, ephemeral ports: no external service.
domainLinkContract('WsLinkTransport', {
  transport: () => new WsLinkTransport(),
  listenEndpoint: () => 'ws://127.0.0.1:0',
  impostor: async (_transport, domain) => {
    const log = { batches: 0, frames: [] };
    const server = await FakeLinkServer.start(impostorServer(domain, log));
    return { endpoint: server.endpoint, batches: () => log.batches, close: () => server.close() };
  },
  waitMs: 5_000,
});
