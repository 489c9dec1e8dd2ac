import type { UiInfo } from '../api/server';
import type { TopologyFeed } from '../topology/topology-feed';
import { STATE_LABEL, type HomeHint } from './chat-labels';
import type { ChatSession } from './chat-session';
import { useConnectForm, type ConnectFormState } from './use-connect-form';

/** The test hooks' prefix of each screen's connection card: `chat-user`, `map-user`… */
export type ScreenPrefix = 'chat' | 'map';

/** The connection card: connector, user id, app id, token; connect, disconnect; the connection's state in words. */
export function ConnectPanel(props: { info?: UiInfo; feed: TopologyFeed; session: ChatSession; prefix?: ScreenPrefix }) {
  const { info, feed, session, prefix = 'chat' } = props;
  const fields = useConnectForm(info, feed);
  const { form, update } = fields;
  const onSubmit = (event: Event) => {
    event.preventDefault();
    void session.connect(form);
  };
  return (
    <form class="card" onSubmit={onSubmit} aria-label="Connection">
      <h2>Connection</h2>
      <ConnectorField
        endpoints={info?.clientEndpoints ?? []}
        ownDomain={info?.domain}
        url={form.url}
        onInput={update('url')}
        prefix={prefix}
      />
      <label>
        User id
        <input
          data-testid={`${prefix}-user`}
          value={form.userId}
          onInput={update('userId')}
          placeholder="ANZ-123456"
          required
          spellcheck={false}
          autocomplete="off"
        />
      </label>
      <AppIdField fields={fields} prefix={prefix} />
      {fields.hint && <HomeHintNote hint={fields.hint} userId={form.userId} onChoose={fields.chooseUrl} />}
      <label>
        Token <small>(optional: apps with authentication off accept any)</small>
        <input data-testid={`${prefix}-token`} type="password" value={form.token} onInput={update('token')} autocomplete="off" />
      </label>
      <ConnectionButtons session={session} prefix={prefix} />
      <ConnectionState session={session} prefix={prefix} />
    </form>
  );
}

function ConnectorField({
  endpoints,
  ownDomain,
  url,
  onInput,
  prefix,
}: {
  endpoints: UiInfo['clientEndpoints'];
  ownDomain?: string;
  url: string;
  onInput: (event: Event) => void;
  prefix: ScreenPrefix;
}) {
  const domainOf = endpoints.find((e) => e.url === url)?.domain;
  return (
    <label>
      Connector (client WebSocket URL)
      <input
        data-testid={`${prefix}-url`}
        list={`${prefix}-endpoints`}
        value={url}
        onInput={onInput}
        placeholder="ws://127.0.0.1:8089/ws"
        required
        spellcheck={false}
      />
      <datalist id={`${prefix}-endpoints`}>
        {endpoints.map((e) => (
          <option key={e.url} value={e.url}>
            {e.domain}
          </option>
        ))}
      </datalist>
      {domainOf !== undefined && (
        <small class="hint">
          The client endpoint of {domainOf}
          {domainOf === ownDomain ? ' (this domain)' : ''}.
        </small>
      )}
    </label>
  );
}

function AppIdField({ fields, prefix }: { fields: ConnectFormState; prefix: ScreenPrefix }) {
  const { form, app, appIdTouched } = fields;
  const onInput = (event: Event) => {
    fields.touchAppId();
    fields.update('appId')(event);
  };
  return (
    <label>
      App id
      <input data-testid={`${prefix}-app-id`} value={form.appId} onInput={onInput} placeholder="app-id-343" required spellcheck={false} />
      {app?.appId !== undefined && !appIdTouched && <small class="hint">Filled in from the topology (app {app.appName}).</small>}
    </label>
  );
}

/** The user lives in another domain (sign in at its connector), or nowhere (the login will be refused). */
function HomeHintNote({ hint, userId, onChoose }: { hint: HomeHint; userId: string; onChoose: (url: string) => void }) {
  if (hint.kind === 'homeless')
    return (
      <p class="hint warn">
        {userId.trim()} has no home domain ({hint.reason}): the login will be refused.
      </p>
    );
  return (
    <p class="hint warn">
      {userId.trim()} lives in {hint.domain}: a user signs in at its home domain’s connector.{' '}
      <button type="button" class="link" onClick={() => onChoose(hint.url)}>
        Use {hint.url}
      </button>
    </p>
  );
}

function ConnectionButtons({ session, prefix }: { session: ChatSession; prefix: ScreenPrefix }) {
  const busy = session.state === 'connecting';
  const signedIn = session.state === 'authenticated' || busy;
  return (
    <div class="buttons">
      <button data-testid={`${prefix}-connect`} type="submit" class="primary" disabled={busy}>
        {signedIn ? 'Reconnect' : 'Connect'}
      </button>
      <button
        data-testid={`${prefix}-disconnect`}
        type="button"
        onClick={() => void session.disconnect()}
        disabled={session.state === 'disconnected'}
      >
        Disconnect
      </button>
    </div>
  );
}

/** `chat-state`: the connection's state and what it means. */
function ConnectionState({ session, prefix }: { session: ChatSession; prefix: ScreenPrefix }) {
  return (
    <p data-testid={`${prefix}-state`} data-state={session.state} class={`state state-${session.state}`} role="status">
      <span class="dot" aria-hidden="true" />
      <span>
        <strong>{STATE_LABEL[session.state]}</strong> {session.detail}
      </span>
    </p>
  );
}
