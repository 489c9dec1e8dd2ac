import { MASKED_SECRET } from '../mask-secrets';
import type { ClientApp } from '../topology';
import { APP_NAME_PATTERN, parseUserId } from '../topology-view';
import { checkApiKey, checkAuthUrlSecret, checkPublicKey, checkSecretStrength } from './auth';
import { readChannels } from './channels';
import { readDistributions } from './distributions';
import { readMailbox } from './mailbox';
import { readWebhook } from './webhook';
import type { DomainGraph } from './domain-graph';
import { asList, checkKeys, mappingsOf, readBoolean, readString, type Mapping } from './fields';

const APP_KEYS = [
  'appName',
  'appId',
  'masterUserId',
  'authEnabled',
  'authUrl',
  'jwtSecret',
  'jwtPublicKey',
  'jwksUrl',
  'authUrlSecret',
  'apiKey',
  'userDistributions',
  'channels',
  'mailbox',
  'webhook',
];

/** `clientApps`: unique names and ids, a master of the app's own, a usable auth method, sound distributions. */
export function readClientApps(root: Mapping, graph: DomainGraph): ClientApp[] {
  const apps: ClientApp[] = [];
  const byName = new Map<string, number>();
  const byId = new Map<string, number>();
  const byKey = new Map<string, number>();
  for (const map of mappingsOf(asList(root, 'clientApps', false) ?? [], ['clientApps'], root.problems)) {
    checkKeys(map, APP_KEYS);
    const app = readApp(map, graph);
    if (!app) continue;
    const sameName = byName.get(app.appName);
    const sameId = byId.get(app.appId);
    if (sameName !== undefined)
      map.problems.error([...map.path, 'appName'], `duplicate app name "${app.appName}" (also clientApps[${sameName}])`);
    if (sameId !== undefined) map.problems.error([...map.path, 'appId'], `duplicate appId "${app.appId}" (also clientApps[${sameId}])`);
    if (sameName === undefined) byName.set(app.appName, map.index);
    if (sameId === undefined) byId.set(app.appId, map.index);
    checkKeyUnique(map, app, byKey);
    apps.push(app);
  }
  return apps;
}

function readApp(map: Mapping, graph: DomainGraph): ClientApp | undefined {
  const appName = readAppName(map);
  const appId = readString(map, 'appId', { required: true });
  const masterUserId = readMaster(map, appName);
  const auth = readAuth(map);
  const apiKey = readString(map, 'apiKey', { secret: true });
  if (apiKey !== undefined) checkApiKey(map, apiKey);
  const userDistributions = readDistributions(map, graph);
  const channels = readChannels(map);
  const mailbox = readMailbox(map);
  const webhook = readWebhook(map);
  if (appName === undefined || appId === undefined) return undefined;
  return {
    appName,
    appId,
    ...(masterUserId === undefined ? {} : { masterUserId }),
    ...auth,
    ...(apiKey === undefined ? {} : { apiKey }),
    ...(userDistributions === undefined ? {} : { userDistributions }),
    ...(channels === undefined ? {} : { channels }),
    ...(mailbox === undefined ? {} : { mailbox }),
    ...(webhook === undefined ? {} : { webhook }),
  };
}

/** An API key names one app: the connector finds the app by its key. A masked copy (`***`) is not compared. */
function checkKeyUnique(map: Mapping & { index: number }, app: ClientApp, byKey: Map<string, number>): void {
  if (app.apiKey === undefined || app.apiKey === MASKED_SECRET) return;
  const same = byKey.get(app.apiKey);
  if (same === undefined) byKey.set(app.apiKey, map.index);
  else map.problems.error([...map.path, 'apiKey'], `is the apiKey of clientApps[${same}] too: each app needs its own`);
}

function readAppName(map: Mapping): string | undefined {
  const name = readString(map, 'appName', { required: true });
  if (name === undefined || APP_NAME_PATTERN.test(name)) return name;
  map.problems.error([...map.path, 'appName'], `"${name}" cannot prefix user ids (<appName>-<number>): use only letters, digits and "_"`);
  return undefined;
}

function readMaster(map: Mapping, appName: string | undefined): string | undefined {
  const master = readString(map, 'masterUserId');
  if (master === undefined || appName === undefined) return master;
  const parts = parseUserId(master);
  if (!parts || parts.appName !== appName) {
    map.problems.error([...map.path, 'masterUserId'], `"${master}" is not a user of app ${appName}: it must be ${appName}-<number>`);
  }
  return master;
}

type AuthFields = Pick<ClientApp, 'authEnabled' | 'authUrl' | 'authUrlSecret' | 'jwtSecret' | 'jwtPublicKey' | 'jwksUrl'>;

const METHODS = ['authUrl', 'jwtSecret', 'jwtPublicKey', 'jwksUrl'];

function readAuth(map: Mapping): AuthFields {
  const authEnabled = readBoolean(map, 'authEnabled');
  const authUrl = readHttpUrl(map, 'authUrl');
  const authUrlSecret = readString(map, 'authUrlSecret', { secret: true });
  const jwtSecret = readString(map, 'jwtSecret', { secret: true });
  const jwtPublicKey = readString(map, 'jwtPublicKey');
  const jwksUrl = readHttpUrl(map, 'jwksUrl');
  if (jwtSecret !== undefined) checkSecretStrength(map, jwtSecret);
  if (jwtPublicKey !== undefined) checkPublicKey(map, jwtPublicKey);
  if (authUrlSecret !== undefined) checkAuthUrlSecret(map, authUrlSecret, authUrl);
  const methods = [authUrl, jwtSecret, jwtPublicKey, jwksUrl].filter((m) => m !== undefined);
  const rawMethods = METHODS.filter((k) => map.value[k] !== undefined && map.value[k] !== null);
  const authEnabledKnown = authEnabled !== undefined || map.value.authEnabled === undefined || map.value.authEnabled === null;
  if (authEnabledKnown && authEnabled !== false && methods.length === 0 && rawMethods.length === 0) {
    map.problems.error(
      [...map.path, 'authEnabled'],
      `authentication is ${authEnabled === undefined ? 'on by default' : 'on'} but no method is set: give authUrl, jwtSecret, jwtPublicKey or jwksUrl, or set authEnabled: false (development only)`,
    );
  }
  const fields = { authEnabled, authUrl, authUrlSecret, jwtSecret, jwtPublicKey, jwksUrl };
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as AuthFields;
}

/** `authUrl` (its credentials a secret) or `jwksUrl`: an http:// or https:// URL. */
function readHttpUrl(map: Mapping, key: 'authUrl' | 'jwksUrl'): string | undefined {
  const value = readString(map, key, { secret: key === 'authUrl' });
  if (value === undefined) return undefined;
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (url && (url.protocol === 'http:' || url.protocol === 'https:')) return value;
  map.problems.error([...map.path, key], 'must be an http:// or https:// URL');
  return undefined;
}
