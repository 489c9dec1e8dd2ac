import { createHmac } from 'node:crypto';

/**
 * The `X-Linker-Signature` value of a request (docs/protocol.md, Webhooks): `t=<unix seconds>,v1=<hex>`, where hex is
 * HMAC-SHA256 keyed with the app's webhook secret over `<t>.<body>` (the body exactly as sent, UTF-8).
 */
export function webhookSignature(secret: string, unixSeconds: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}
