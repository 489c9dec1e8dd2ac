import { checkKey, decodeRecords, encodedSize, encodeRecords } from './nats-codec';

const record = (key: string, value: string) => ({ key, value: Buffer.from(value) });
const plain = (records: ReturnType<typeof decodeRecords>) => records.map((r) => ({ key: r.key, value: r.value.toString() }));

describe('NATS record codec', () => {
  it('encodes one record as [key length][key][value], readable by a decoder that knows only that form', () => {
    const payload = encodeRecords([record('ANZ-1', '{"a":1}')]);
    expect(payload.readUInt16BE(0)).toBe(5);
    expect(payload.toString('utf8', 2)).toBe('ANZ-1{"a":1}');
    expect(plain(decodeRecords(payload))).toEqual([{ key: 'ANZ-1', value: '{"a":1}' }]);
  });

  it('round-trips several records in order, with multi-byte keys, empty values and binary bytes', () => {
    const records = [
      record('ü-1', 'x'),
      record('', ''),
      { key: 'k', value: Buffer.from([0, 255, 0xff, 0xff]) },
      record('ANZ-2', 'é'.repeat(1000)),
    ];
    const payload = encodeRecords(records);
    expect(payload.length).toBe(encodedSize(records));
    expect(decodeRecords(payload)).toEqual(records);
  });

  it('yields nothing for a truncated, padded or foreign payload, never part of one', () => {
    const payload = encodeRecords([record('a', 'one'), record('b', 'two')]);
    for (let cut = 0; cut < payload.length; cut++) expect(decodeRecords(payload.subarray(0, cut))).toEqual([]);
    expect(decodeRecords(Buffer.concat([payload, Buffer.from('x')]))).toEqual([]);
    expect(decodeRecords(Buffer.from([0x00]))).toEqual([]);
    expect(decodeRecords(Buffer.from([0x00, 0x09, 0x61]))).toEqual([]);
  });

  it('refuses a key of 65,535 bytes (that length marks a payload of several records) and takes 65,534', () => {
    expect(() => checkKey('k'.repeat(65_535))).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => checkKey('k'.repeat(65_534))).not.toThrow();
    const long = record('k'.repeat(65_534), 'v');
    expect(decodeRecords(encodeRecords([long]))).toEqual([long]);
  });
});
