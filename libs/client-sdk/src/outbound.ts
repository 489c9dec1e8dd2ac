import type { ClientData, ClientFrameType } from '@linker/contracts';
import type { Feature } from './types';

/** The optional head fields of a client frame (docs/protocol.md, Frames). */
export interface FrameHead {
  reference?: string;
  /** The client's id of a MESSAGE, GROUP_MESSAGE or PUBLISH: the server answers `ACCEPTED {id}` once its lane holds it. */
  id?: string;
  feature?: Feature;
  confirmationEnabled?: boolean;
}

/**
 * One client → server frame as JSON text: `{type, data, reference?, id?, feature?, confirmationEnabled?}`, absent fields
 * omitted, so a frame with defaults looks exactly like one of the original's clients (its README).
 */
export function clientFrameText<T extends ClientFrameType>(type: T, data: ClientData<T>, head: FrameHead = {}): string {
  const frame: Record<string, unknown> = { type, data };
  if (head.reference !== undefined) frame.reference = head.reference;
  if (head.id !== undefined) frame.id = head.id;
  if (head.feature !== undefined) frame.feature = head.feature;
  if (head.confirmationEnabled !== undefined) frame.confirmationEnabled = head.confirmationEnabled;
  return JSON.stringify(frame);
}

/** Makes references unique within one client (and very likely across clients): `<random>-<n>`. */
export class ReferenceMaker {
  private readonly prefix: string;
  private counter = 0;

  constructor(random: () => number) {
    this.prefix =
      Date.now().toString(36) +
      Math.floor(random() * 36 ** 4)
        .toString(36)
        .padStart(4, '0');
  }

  next(): string {
    this.counter += 1;
    return `${this.prefix}-${this.counter}`;
  }
}
