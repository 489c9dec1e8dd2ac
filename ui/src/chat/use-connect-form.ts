import { useEffect, useState } from 'preact/hooks';
import { fetchRoute, type Home, type TopologyDoc } from '../api/meta';
import type { UiInfo } from '../api/server';
import type { TopologyFeed } from '../topology/topology-feed';
import { homeHint, type HomeHint } from './chat-labels';
import type { ConnectForm } from './chat-session';

/** Wait this long after the last keystroke in the user id before asking where the user lives. */
const HOME_DEBOUNCE_MS = 400;

export interface ConnectFormState {
  form: ConnectForm;
  /** A typed field's input handler. */
  update: (field: keyof ConnectForm) => (event: Event) => void;
  /** The person typed an app id: it no longer follows the user id. */
  appIdTouched: boolean;
  touchAppId: () => void;
  /** The app of the user id typed, from the topology. */
  app?: TopologyDoc['clientApps'][number];
  hint?: HomeHint;
  /** Sign in at this connector instead (the user's home domain's). */
  chooseUrl: (url: string) => void;
}

/** The connect form: the connector pre-filled with this domain's, the app id with the user id's app, the user's home asked as it is typed. */
export function useConnectForm(info: UiInfo | undefined, feed: TopologyFeed): ConnectFormState {
  const endpoints = info?.clientEndpoints ?? [];
  const [form, setForm] = useState<ConnectForm>({ url: '', userId: '', appId: '', token: '' });
  const [appIdTouched, setAppIdTouched] = useState(false);
  // Pre-fill the connector with this domain's client endpoint once it is known.
  useEffect(() => {
    if (form.url === '' && endpoints.length > 0) setForm((f) => ({ ...f, url: endpoints[0].url }));
  }, [endpoints.length]);
  // The appId follows the user id's app (from the topology) until the person types one.
  const app = feed.appOf(form.userId);
  const suggestedAppId = app?.appId;
  useEffect(() => {
    if (!appIdTouched && suggestedAppId !== undefined) setForm((f) => ({ ...f, appId: suggestedAppId }));
  }, [suggestedAppId, appIdTouched]);
  const home = useHome(form.userId, info?.metaServer === true, feed.version);
  // Functional updates: a field typed before the pre-fills above land is not undone by them (nor they by it).
  const update = (field: keyof ConnectForm) => (event: Event) => {
    const value = (event.currentTarget as HTMLInputElement).value;
    setForm((f) => ({ ...f, [field]: value }));
  };
  const touchAppId = () => setAppIdTouched(true);
  const chooseUrl = (url: string) => setForm({ ...form, url });
  return { form, update, appIdTouched, touchAppId, app, hint: homeHint(home, endpoints, form.url), chooseUrl };
}

/** Where `userId` lives, asked of the meta-server (`GET /topology/route` from the user to itself), as the person types. */
function useHome(userId: string, metaServer: boolean, version?: string): Home | undefined {
  const [home, setHome] = useState<Home | undefined>(undefined);
  useEffect(() => {
    const id = userId.trim();
    setHome(undefined);
    if (!metaServer || !/^.+-\d+$/.test(id)) return;
    let current = true;
    const timer = setTimeout(() => {
      fetchRoute(id, id, []).then(
        (route) => current && setHome(route.from.home),
        () => undefined, // a malformed id: the login says why
      );
    }, HOME_DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [userId, metaServer, version]);
  return home;
}
