import type { Delivered, Envelope, Undelivered } from '@linker/contracts';
import { DeliveryFate, type ReportSink } from './delivery-fate';
import { BatchReport } from './delivery-reports';

/** A sink that records what reaches it (the outbox's place). */
class Recorder implements ReportSink {
  readonly entries: Array<{ delivered: Delivered } | { undelivered: Undelivered }> = [];
  delivered(entry: Delivered): void {
    this.entries.push({ delivered: entry });
  }
  undelivered(entry: Undelivered): void {
    this.entries.push({ undelivered: entry });
  }
}

const message = (extra: Partial<Envelope> = {}): Envelope => ({
  id: 'm1',
  lane: 'RELIABLE',
  type: 'MESSAGE',
  from: 'ANZ-1',
  to: 'ANZ-2',
  data: { content: 'x' },
  reference: 'r1',
  confirm: true,
  path: ['domain-t'],
  createdAt: 1,
  hops: 0,
  ...extra,
});

/** A fate for `envelope` whose delivery loop ran: held by one ack-mode socket, as `DeliveryWriter` leaves it. */
function heldOnAckSocket(report: BatchReport, envelope = message(), fromMailbox = false): DeliveryFate {
  const fate = new DeliveryFate(envelope, 'ANZ-2', fromMailbox, 100, report);
  fate.hold();
  fate.awaitAck('s1');
  fate.done();
  return fate;
}

const delivered = (fromMailbox?: true): Delivered => ({
  id: 'm1',
  userId: 'ANZ-2',
  from: 'ANZ-1',
  reference: 'r1',
  confirm: true,
  fromMailbox,
});

// Ack mode, crash-safe (docs/protocol.md, Ack mode): what an ack-mode socket holds is parked in the mailbox with its batch's report.
describe('DeliveryFate and BatchReport in ack mode', () => {
  it('parks a held RELIABLE message when the report is cut; its ack, even before the report is out, follows the report', () => {
    const report = new BatchReport();
    const outbox = new Recorder();
    const fate = heldOnAckSocket(report);
    const [cut] = report.seal();
    expect(cut).toEqual({ delivered: [], undelivered: [], parked: [{ userId: 'ANZ-2', envelope: message(), socketIds: ['s1'] }] });

    fate.reach(); // MESSAGE_ACK while the report is being published
    expect(outbox.entries).toEqual([]);
    report.release(outbox);
    expect(outbox.entries).toEqual([{ delivered: delivered(true) }]);
    fate.reach(); // a repeated ack
    expect(outbox.entries).toHaveLength(1);
  });

  it('does not park what was acknowledged before the report was cut: it is reported delivered, not from the mailbox', () => {
    const report = new BatchReport();
    heldOnAckSocket(report).reach();
    expect(report.seal()).toEqual([{ delivered: [delivered()], undelivered: [], parked: [] }]);
  });

  it('reports nothing when the socket closes holding a parked message: it stays in the mailbox', () => {
    const report = new BatchReport();
    const outbox = new Recorder();
    const fate = heldOnAckSocket(report);
    report.seal();
    report.release(outbox);
    fate.dropped('s1');
    expect(outbox.entries).toEqual([]);
  });

  it('reports a message undelivered when its socket closed before the report was cut (not parked yet), and parks nothing', () => {
    const report = new BatchReport();
    heldOnAckSocket(report).dropped('s1');
    expect(report.seal()).toEqual([
      { delivered: [], undelivered: [{ userId: 'ANZ-2', envelope: message(), failedSocketIds: ['s1'] }], parked: [] },
    ]);
  });

  it('never parks a message from the mailbox or a FAST one; a close leaves the mailbox one there and loses the FAST one', () => {
    const report = new BatchReport();
    const outbox = new Recorder();
    const stored = heldOnAckSocket(report, message(), true);
    const fast = heldOnAckSocket(report, message({ id: 'f1', lane: 'FAST' }));
    expect(report.seal()).toEqual([]);
    report.release(outbox);
    stored.dropped('s1');
    fast.dropped('s1');
    expect(outbox.entries).toEqual([]);
  });

  it('acknowledges a message from the mailbox as delivered from the mailbox, with its confirmation', () => {
    const report = new BatchReport();
    heldOnAckSocket(report, message(), true).reach();
    expect(report.seal()).toEqual([{ delivered: [delivered(true)], undelivered: [], parked: [] }]);
  });

  it('sends the delivery of a fetched message to the outbox at once: the batch does not wait for it (the mailbox keeps it)', () => {
    const outbox = new Recorder();
    const report = new BatchReport(outbox);
    const fate = new DeliveryFate(message(), 'ANZ-2', true, 100, report);
    fate.hold();
    fate.writeDone('s1')(undefined);
    fate.done();
    expect(outbox.entries).toEqual([{ delivered: delivered(true) }]);
    expect(report.seal()).toEqual([]);
  });

  it('does not park a message another socket of the user took before the report was cut; the later ack adds nothing', () => {
    const report = new BatchReport();
    const fate = new DeliveryFate(message(), 'ANZ-2', false, 100, report);
    fate.hold(); // the ack-mode socket
    fate.awaitAck('s1');
    fate.hold(); // a plain socket, whose write completes
    fate.writeDone('s2')(undefined);
    fate.done();
    expect(report.seal()).toEqual([{ delivered: [delivered()], undelivered: [], parked: [] }]);
    const outbox = new Recorder();
    report.release(outbox);
    fate.reach();
    expect(outbox.entries).toEqual([]);
  });
});
