/**
 * The linker client for browsers and Node (published as `@linker-ts/client`; `@linker/client-sdk` inside the
 * repository). Node-only pieces (the `ws` adapter) live in `./node` and are never imported from here.
 */
export { LinkerClient, type ClientState } from './linker-client';
export type { TokenSource } from './channels';
export { LinkerClientError, type ClientErrorCode } from './errors';
export { TypedEmitter, type Listener } from './emitter';
export { backoffDelay, DEFAULT_RECONNECT } from './backoff';
export * from './types';
export {
  verifyAuthRequest,
  verifyWebhook,
  WEBHOOK_SIGNATURE_HEADER,
  type AuthUrlRequest,
  type AuthUrlVerification,
  type VerifyWebhookOptions,
  type WebhookRefusal,
  type WebhookVerification,
} from './verify-webhook';
