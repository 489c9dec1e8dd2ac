import { CLOSE_CODES } from '@linker/contracts';
import type { Topology } from '@linker/topology';
import { apiCall, type ApiCallOptions, type ApiResponse } from '../api-client';
import { editTopology } from '../faults/battery';
import { waitFor } from '../wait-for';
import { fetchFrames } from './mailbox-behaviour';
import type { SuiteContext } from './suite-context';
import { ANZ } from './suite-topology';

/** A server API request to connector `connector` (default 0) with ANZ's current key unless `options.key` says otherwise. */
function api(ctx: SuiteContext, method: string, path: string, options: ApiCallOptions = {}, connector = 0): Promise<ApiResponse> {
  return apiCall(ctx.url(connector), method, path, { key: ctx.apiKey, ...options });
}

/** `POST /api/v1/messages` with `json`; expects 202 and returns the ids. */
async function send(ctx: SuiteContext, json: object, connector = 0): Promise<string[]> {
  const answer = await api(ctx, 'POST', '/api/v1/messages', { json }, connector);
  if (answer.status !== 202) throw new Error(`the message was refused: ${answer.status} ${JSON.stringify(answer.body)}`);
  return (answer.body as { ids: string[] }).ids;
}

/** The server API on the client port (docs/protocol.md, Server API), with ANZ's key. */
export function apiBehaviour(ctx: SuiteContext): void {
  describe('server API', () => {
    messageBehaviour(ctx);
    userBehaviour(ctx);
    channelBehaviour(ctx);
    refusalBehaviour(ctx);
    rotationBehaviour(ctx);
  });
}

function messageBehaviour(ctx: SuiteContext): void {
  it('delivers a message to an online user as a MESSAGE from the master user, with the id it answered', async () => {
    const userId = ctx.users.anz();
    const user = await ctx.login(userId, { connector: 1 });
    const content = ctx.text('from the backend');
    const [id] = await send(ctx, { to: userId, content, reference: 'api-1' });
    expect(await user.message(content)).toEqual({ type: 'MESSAGE', data: { from: ANZ.master, content }, reference: 'api-1', id });
  });

  it('stores a message for an offline user, who fetches it once connected', async () => {
    const userId = ctx.users.anz();
    const content = ctx.text('stored');
    const [id] = await send(ctx, { to: userId, content });
    const user = await ctx.login(userId, { connector: 1 });
    const { messages } = await waitFor('the stored message to be fetched', async () => {
      const fetched = await fetchFrames(user, 10);
      return fetched.messages.length > 0 && fetched;
    });
    expect(messages).toEqual([{ type: 'MESSAGE', data: { from: ANZ.master, content }, id }]);
  });

  it('sends to a list (duplicates once) as `from`, on the FAST lane too', async () => {
    const [aId, bId, fromId] = [ctx.users.anz(), ctx.users.anz(), ctx.users.anz()];
    const a = await ctx.login(aId, { connector: 0 });
    const b = await ctx.login(bId, { connector: 1 });
    for (const lane of ['RELIABLE', 'FAST']) {
      const content = ctx.text(`to a list ${lane}`);
      const ids = await send(ctx, { to: [aId, bId, aId], content, from: fromId, lane });
      expect(ids).toHaveLength(2);
      expect((await a.message(content)).data).toEqual({ from: fromId, content });
      expect((await b.message(content)).data).toEqual({ from: fromId, content });
    }
    expect(a.all('MESSAGE')).toHaveLength(2);
  });
}

function userBehaviour(ctx: SuiteContext): void {
  it('tells presence: offline, online with its sockets, offline again; a user homed elsewhere gets 421 with its domain', async () => {
    const userId = ctx.users.anz();
    const path = `/api/v1/users/${userId}/presence`;
    const domain = ctx.domain.domain;
    expect((await api(ctx, 'GET', path)).body).toEqual({ userId, domain, online: false, sockets: 0, connectors: [] });
    const sockets = [await ctx.login(userId, { connector: 0 }), await ctx.login(userId, { connector: 1 })];
    await waitFor('both sockets in presence', async () => (await api(ctx, 'GET', path, {}, 1)).body.sockets === 2);
    const body = (await api(ctx, 'GET', path)).body;
    expect(body).toEqual({ userId, domain, online: true, sockets: 2, connectors: expect.any(Array) });
    expect(body.connectors.length).toBe(ctx.domain.connectorUrls.length);
    for (const socket of sockets) await socket.close();
    await waitFor('the user offline', async () => (await api(ctx, 'GET', path)).body.online === false);
    const away = await api(ctx, 'GET', `/api/v1/users/${ctx.users.anzElsewhere()}/presence`);
    expect(away.status).toBe(421);
    expect(away.body).toEqual({
      code: 'NOT_HOME_DOMAIN',
      message: expect.any(String),
      domain: ctx.domains.other,
      url: 'ws://127.0.0.1:8189',
    });
  });

  it('disconnects every socket of a user with 4003, and only those', async () => {
    const userId = ctx.users.anz();
    const bystanderId = ctx.users.anz();
    const targets = [await ctx.login(userId, { connector: 0 }), await ctx.login(userId, { connector: 1 })];
    const bystander = await ctx.login(bystanderId, { connector: 1 });
    const answer = await api(ctx, 'POST', `/api/v1/users/${userId}/disconnect`);
    expect(answer).toMatchObject({ status: 202, body: { id: expect.any(String) } });
    for (const target of targets) expect((await target.closed()).code).toBe(CLOSE_CODES.CLOSED_BY_MASTER.code);
    const content = ctx.text('still here');
    await send(ctx, { to: bystanderId, content });
    await bystander.message(content);
    expect(bystander.isOpen).toBe(true);
  });
}

function channelBehaviour(ctx: SuiteContext): void {
  it('publishes to a channel where only the server may, to its subscribers on every connector, answering how many there are here', async () => {
    const channel = `ANZ:news-${ctx.text('api').replace(/[^A-Za-z0-9]/g, '')}`;
    const subscribers = [await ctx.login(ctx.users.anz(), { connector: 0 }), await ctx.login(ctx.users.anz(), { connector: 1 })];
    for (const socket of subscribers) {
      socket.send({ type: 'SUBSCRIBE', data: { channel } });
      await socket.next('SUBSCRIBED');
    }
    expect(await api(ctx, 'GET', `/api/v1/channels/${channel}`)).toMatchObject({ status: 200, body: { channel, subscribers: 2 } });
    for (const lane of ['RELIABLE', 'FAST']) {
      const data = { headline: ctx.text(`api ${lane}`) };
      const answer = await api(ctx, 'POST', `/api/v1/channels/${channel}/publications`, { json: { data, lane } }, 1);
      expect(answer).toMatchObject({ status: 202, body: { id: expect.any(String), subscribers: 2 } });
      for (const socket of subscribers) {
        const got = await socket.next('PUBLICATION', (f) => JSON.stringify(f.data.data) === JSON.stringify(data));
        expect(got).toEqual({ type: 'PUBLICATION', data: { channel, data } }); // no `from`: the app's server published it
      }
    }
  });

  it('refuses a channel of another app, one no rule declares, and a name that is none, with UNKNOWN_CHANNEL; publishes nothing', async () => {
    const channel = `ANZ:news-${ctx.text('refused').replace(/[^A-Za-z0-9]/g, '')}`;
    const subscriber = await ctx.login(ctx.users.anz());
    subscriber.send({ type: 'SUBSCRIBE', data: { channel } });
    await subscriber.next('SUBSCRIBED');
    const cases: Array<[string, object, number, string]> = [
      ['JWT:team-1', { data: 'refused' }, 404, 'UNKNOWN_CHANNEL'],
      ['ANZ:undeclared-1', { data: 'refused' }, 404, 'UNKNOWN_CHANNEL'],
      ['ANZ', { data: 'refused' }, 404, 'UNKNOWN_CHANNEL'],
      [channel, { data: 'x'.repeat(100_000) }, 413, 'TOO_LARGE'],
      [channel, {}, 400, 'INVALID_FIELD'],
      [channel, { data: 'refused', lane: 'SLOW' }, 400, 'INVALID_FIELD'],
    ];
    for (const [target, json, status, code] of cases) {
      const answer = await api(ctx, 'POST', `/api/v1/channels/${target}/publications`, { json });
      expect({ target, status: answer.status, code: (answer.body as { code?: string }).code }).toEqual({ target, status, code });
    }
    // Publications to one channel keep their order: once this one arrives, anything published before it has too.
    await api(ctx, 'POST', `/api/v1/channels/${channel}/publications`, { json: { data: 'valid' } });
    await subscriber.next('PUBLICATION');
    expect(subscriber.all('PUBLICATION').map((f) => f.data.data)).toEqual(['valid']);
  });
}

function refusalBehaviour(ctx: SuiteContext): void {
  it('gives every bad request its documented answer and publishes nothing of it; a valid request then still works', async () => {
    const userId = ctx.users.anz();
    const user = await ctx.login(userId, { connector: 1 });
    const bad = (label: string) => ({ to: userId, content: ctx.text(`refused ${label}`) });
    const cases: Array<[string, string, string, ApiCallOptions, number, string]> = [
      ['no key', 'POST', '/api/v1/messages', { key: undefined, json: bad('no key') }, 401, 'UNAUTHENTICATED'],
      ['wrong key', 'POST', '/api/v1/messages', { key: 'x'.repeat(40), json: bad('wrong key') }, 401, 'UNAUTHENTICATED'],
      ['malformed JSON', 'POST', '/api/v1/messages', { raw: `{"to":"${userId}","content":"x"` }, 400, 'MALFORMED_JSON'],
      ['a wrong field', 'POST', '/api/v1/messages', { json: { ...bad('field'), to: 5 } }, 400, 'INVALID_FIELD'],
      ['an unknown field', 'POST', '/api/v1/messages', { json: { ...bad('unknown field'), priority: 1 } }, 400, 'INVALID_FIELD'],
      ['an oversized body', 'POST', '/api/v1/messages', { json: { to: userId, content: 'x'.repeat(300_000) } }, 413, 'TOO_LARGE'],
      [
        'an unknown recipient app',
        'POST',
        '/api/v1/messages',
        { json: { ...bad('app'), to: [userId, 'NOAPP-1'] } },
        404,
        'UNKNOWN_RECIPIENT_APP',
      ],
      ['a wrong method', 'PUT', '/api/v1/messages', { json: bad('method') }, 405, 'METHOD_NOT_ALLOWED'],
      ['an unknown route', 'POST', '/api/v1/message', { json: bad('route') }, 404, 'NOT_FOUND'],
      ['a body not JSON', 'POST', '/api/v1/messages', { raw: 'to=x', contentType: 'text/plain' }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ];
    for (const [what, method, path, options, status, code] of cases) {
      const answer = await api(ctx, method, path, options);
      expect({ what, status: answer.status, body: answer.body }).toEqual({ what, status, body: { code, message: expect.any(String) } });
    }
    // One sender (the master) to one recipient keeps its order: once this arrives, anything published before has too.
    const content = ctx.text('valid after the refusals');
    await send(ctx, { to: userId, content });
    await user.message(content);
    expect(user.all('MESSAGE').map((f) => f.data.content)).toEqual([content]);
  });
}

function rotationBehaviour(ctx: SuiteContext): void {
  it('applies a key rotated by a topology edit through the meta-server on every connector: the old key 401, the new one works', async () => {
    const oldKey = ctx.apiKey;
    const newKey = `rotated-${ctx.text('key').replace(/\W/g, '-')}-0123456789abcdef`;
    const rotate = (topology: Topology): Topology => ({
      ...topology,
      clientApps: topology.clientApps.map((app) => (app.appName === ANZ.appName ? { ...app, apiKey: newKey } : app)),
    });
    await editTopology(ctx.domain.metaServerUrl, ctx.adminToken, rotate);
    ctx.apiKey = newKey;
    const probe = `/api/v1/users/${ctx.users.anz()}/presence`;
    for (let i = 0; i < ctx.connectorCount; i++) {
      await waitFor(`connector ${i} to take the new key`, async () => (await api(ctx, 'GET', probe, {}, i)).status === 200);
      expect((await api(ctx, 'GET', probe, { key: oldKey }, i)).status).toBe(401);
    }
    const userId = ctx.users.anz();
    const user = await ctx.login(userId);
    const content = ctx.text('with the new key');
    await send(ctx, { to: userId, content }, ctx.connectorCount - 1);
    await user.message(content);
  });
}
