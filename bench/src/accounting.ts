/**
 * Loss, duplicate and order accounting by sequence number per sender. Each sender numbers its messages 0, 1, 2, …;
 * the receiver side notes every arrival. A message seen twice is a duplicate; one sent and never seen is lost; one
 * that arrives after a higher sequence number of the same sender is counted as reordered.
 */
export interface DeliveryCounts {
  sent: number;
  /** Distinct messages received. */
  received: number;
  lost: number;
  duplicates: number;
  reordered: number;
  /** Arrivals that name a sender or sequence number never sent (should be 0). */
  unexpected: number;
}

export type Arrival = 'first' | 'duplicate' | 'unexpected';

export class SequenceAccounting {
  private readonly sentPerSender: Int32Array;
  private readonly seen: Uint8Array[];
  private readonly lastSeq: Int32Array;
  private received = 0;
  private duplicates = 0;
  private reordered = 0;
  private unexpected = 0;

  constructor(private readonly senders: number) {
    this.sentPerSender = new Int32Array(senders);
    this.lastSeq = new Int32Array(senders).fill(-1);
    this.seen = Array.from({ length: senders }, () => new Uint8Array(64));
  }

  /** Sender `sender` sent sequence number `seq` (sequence numbers of one sender are sent in increasing order). */
  noteSent(sender: number, seq: number): void {
    if (seq + 1 > this.sentPerSender[sender]!) this.sentPerSender[sender] = seq + 1;
  }

  noteReceived(sender: number, seq: number): Arrival {
    if (sender < 0 || sender >= this.senders || seq < 0 || seq >= this.sentPerSender[sender]!) {
      this.unexpected++;
      return 'unexpected';
    }
    const seen = this.bitmap(sender, seq);
    if (seen[seq] !== 0) {
      this.duplicates++;
      return 'duplicate';
    }
    seen[seq] = 1;
    this.received++;
    if (seq < this.lastSeq[sender]!) this.reordered++;
    else this.lastSeq[sender] = seq;
    return 'first';
  }

  get sentTotal(): number {
    let total = 0;
    for (const count of this.sentPerSender) total += count;
    return total;
  }

  get receivedTotal(): number {
    return this.received;
  }

  counts(): DeliveryCounts {
    const sent = this.sentTotal;
    return {
      sent,
      received: this.received,
      lost: sent - this.received,
      duplicates: this.duplicates,
      reordered: this.reordered,
      unexpected: this.unexpected,
    };
  }

  private bitmap(sender: number, seq: number): Uint8Array {
    let seen = this.seen[sender]!;
    if (seq >= seen.length) {
      let size = seen.length;
      while (size <= seq) size *= 2;
      const grown = new Uint8Array(size);
      grown.set(seen);
      this.seen[sender] = seen = grown;
    }
    return seen;
  }
}
