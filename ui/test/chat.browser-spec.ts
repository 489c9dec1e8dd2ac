import { byTestId, saveScreenshot, waitFor } from '@linker/testing';
import { connectAs, sendMessage, singleDomainTopology, uiSuite } from './testing/ui-domain';

// The chat console in Debian's Chromium, against the web UI served by the embedded mode (`npm start`): two users,
// each in a browser context of their own, chat through the domain; confirmations and fetch show in the page.

describe('web UI: chat console', () => {
  const ui = uiSuite();

  it('two users in two browser contexts: B sees the RELIABLE message A sent, and A sees it turn delivered', async () => {
    const domain = await ui.start(singleDomainTopology());
    const alice = await ui.open(domain, 'ANZ-1', '#/chat');
    const bob = await ui.open(domain, 'ANZ-2', '#/chat');
    // The connect form offers this domain's client endpoint (filled in once GET /api/info answered).
    const url = byTestId(alice, 'chat-url');
    expect(await waitFor('the connector URL to be filled in', async () => (await url.inputValue()) || undefined)).toBe(
      domain.connectorUrls[0],
    );
    await connectAs(alice, 'ANZ-1');
    await connectAs(bob, 'ANZ-2');

    await sendMessage(alice, 'ANZ-2', 'hello from the browser', 'RELIABLE');

    const received = byTestId(bob, 'chat-message', { direction: 'in', from: 'ANZ-1' }).filter({ hasText: 'hello from the browser' });
    await received.waitFor();
    await byTestId(bob, 'chat-conversation', { peer: 'ANZ-1' }).waitFor();
    const sent = byTestId(alice, 'chat-message', { direction: 'out', to: 'ANZ-2' }).filter({ hasText: 'hello from the browser' });
    await sent.and(byTestId(alice, 'chat-message', { status: 'delivered' })).waitFor();
    expect(await sent.count()).toBe(1);
    expect(await received.count()).toBe(1);

    // B answers: the conversation goes both ways.
    await sendMessage(bob, 'ANZ-1', 'hello back', 'FAST');
    await byTestId(alice, 'chat-message', { direction: 'in', from: 'ANZ-2' }).filter({ hasText: 'hello back' }).waitFor();
    await saveScreenshot(alice, 'chat');
  });

  it('a fetch brings a message sent while B was away, with the count left; A sees it turn from sent to delivered', async () => {
    const domain = await ui.start(singleDomainTopology());
    const alice = await ui.open(domain, 'ANZ-11', '#/chat');
    const bob = await ui.open(domain, 'ANZ-12', '#/chat');
    await connectAs(alice, 'ANZ-11');
    await connectAs(bob, 'ANZ-12');
    await byTestId(bob, 'chat-disconnect').click();
    await byTestId(bob, 'chat-state', { state: 'disconnected' }).waitFor();

    await sendMessage(alice, 'ANZ-12', 'sent while you were away', 'RELIABLE');
    const sent = byTestId(alice, 'chat-message', { direction: 'out', to: 'ANZ-12' }).filter({ hasText: 'sent while you were away' });
    // Stored in B's mailbox: no confirmation yet.
    await sent.and(byTestId(alice, 'chat-message', { status: 'sent' })).waitFor();

    await byTestId(bob, 'chat-connect').click();
    await byTestId(bob, 'chat-state', { state: 'authenticated' }).waitFor();
    await byTestId(bob, 'chat-fetch').click();
    await byTestId(bob, 'chat-message', { direction: 'in', from: 'ANZ-11' }).filter({ hasText: 'sent while you were away' }).waitFor();
    await byTestId(bob, 'chat-left', { left: '0' }).waitFor();
    await sent.and(byTestId(alice, 'chat-message', { status: 'delivered' })).waitFor();
  });
});
