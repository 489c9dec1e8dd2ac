import type { Frame, RawSocket } from './raw-socket';
import type { SuiteContext } from './suite-context';

/*
 * Asserting that something did NOT happen, without sleeping: send a later marker that travels the same way and wait
 * for it; whatever was due before the marker has arrived (or never will) once the marker is there.
 */

export type Lane = 'RELIABLE' | 'FAST';

/** What `settle` needs: fresh texts. */
export interface TextSource {
  text(label: string): string;
}

/**
 * `sender` messages itself twice, the second after the first arrived. The processors take one sender's frames in
 * order (keyed by the sender), and the second self-message is read only after the batch holding the first was fully
 * applied, so once it arrives every earlier frame of `sender` on `lane` has had its effect (delivered, stored or
 * dropped).
 */
export async function settle(ctx: TextSource, sender: RawSocket, senderId: string, lane: Lane = 'RELIABLE'): Promise<void> {
  for (let i = 0; i < 2; i++) {
    const content = ctx.text(`settle ${lane}`);
    sender.send({ type: 'MESSAGE', data: { to: senderId, content }, feature: lane });
    await sender.message(content);
  }
}

/**
 * On every connector, a fresh user gets a confirmed message from `sender`, and the confirmation comes back. Delivery
 * reports of one connector are handled in order, so once each connector's marker is confirmed, every confirmation
 * due for an earlier delivery on any connector has reached `sender`. Returns the markers' references.
 */
export async function confirmationsSettled(ctx: SuiteContext, sender: RawSocket): Promise<string[]> {
  const references: string[] = [];
  for (let i = 0; i < ctx.connectorCount; i++) {
    const markerId = ctx.users.anz();
    const marker = await ctx.login(markerId, { connector: i, label: `confirmation marker ${i}` });
    const reference = ctx.text('marker-ref').replace(/\s/g, '-');
    const content = ctx.text('confirmation marker');
    sender.send({ type: 'MESSAGE', data: { to: markerId, content }, reference });
    await marker.message(content);
    await sender.next('MESSAGE_CONFIRMATION', (f) => f.data.reference === reference);
    references.push(reference);
  }
  return references;
}

/** The MESSAGE_CONFIRMATION frames `socket` received, markers excepted. */
export function confirmationsBesides(socket: RawSocket, markers: readonly string[]): Frame[] {
  return socket.all('MESSAGE_CONFIRMATION', (f) => !markers.includes(String(f.data.reference)));
}
