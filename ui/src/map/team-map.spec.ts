import { agoText, fadeOf, fitTo, positionOf, TeamMap, workerOf } from './team-map';

describe('team map', () => {
  it('reads {lat, lon} (x the longitude) or {x, y}, and nothing else', () => {
    expect(positionOf({ lat: 40.4, lon: -3.7 })).toEqual({ x: -3.7, y: 40.4 });
    expect(positionOf({ x: 5, y: 7, worker: 'w' })).toEqual({ x: 5, y: 7 });
    expect(positionOf({ lat: '40', lon: 1 })).toBeUndefined();
    expect(positionOf({ x: Number.NaN, y: 1 })).toBeUndefined();
    expect(positionOf('40,3')).toBeUndefined();
    expect(positionOf(null)).toBeUndefined();
  });

  it('names the worker by the data’s worker field, else by the publishing user', () => {
    expect(workerOf({ worker: 'sim-1' }, 'ANZ-1')).toBe('sim-1');
    expect(workerOf({ x: 1, y: 1 }, 'ANZ-1')).toBe('ANZ-1');
    expect(workerOf({ worker: '' }, undefined)).toBeUndefined();
  });

  it('keeps each worker’s trail (the newest last, at most its length), when it was heard, and the box of every position', () => {
    const map = new TeamMap(2);
    expect(map.add({ data: { x: 0, y: 0 }, from: 'ANZ-1' }, 10)).toBe(true);
    map.add({ data: { x: 4, y: 1 }, from: 'ANZ-1' }, 20);
    map.add({ data: { x: 6, y: -2 }, from: 'ANZ-1' }, 30);
    map.add({ data: { worker: 'sim-10', x: -1, y: 3 } }, 40);
    map.add({ data: { worker: 'sim-9', x: 0, y: 0 } }, 50);
    expect(map.workers().map((w) => w.name)).toEqual(['ANZ-1', 'sim-9', 'sim-10']);
    expect(map.workers()[0]).toMatchObject({
      trail: [
        { x: 4, y: 1 },
        { x: 6, y: -2 },
      ],
      heard: 30,
      count: 3,
    });
    expect(map.box).toEqual({ minX: -1, maxX: 6, minY: -2, maxY: 3 });
  });

  it('counts publications that are not a worker’s position, and leaves them off the map', () => {
    const map = new TeamMap();
    expect(map.add({ data: 'hello', from: 'ANZ-1' }, 1)).toBe(false);
    expect(map.add({ data: { x: 1, y: 1 } }, 2)).toBe(false);
    expect(map.ignored).toBe(2);
    expect(map.workers()).toEqual([]);
    expect(map.box).toBeUndefined();
  });

  it('fits the box in the picture with one scale, centred, north up', () => {
    // 10 wide, 5 high into 120 × 120 with a margin of 10: the width sets the scale (10 per unit), centred vertically.
    const place = fitTo({ minX: 0, maxX: 10, minY: 0, maxY: 5 }, 120, 120, 10);
    expect(place({ x: 0, y: 5 })).toEqual({ x: 10, y: 35 });
    expect(place({ x: 10, y: 0 })).toEqual({ x: 110, y: 85 });
    expect(place({ x: 5, y: 2.5 })).toEqual({ x: 60, y: 60 });
  });

  it('puts a box of one point in the middle, and a line along its length', () => {
    expect(fitTo({ minX: 3, maxX: 3, minY: 4, maxY: 4 }, 100, 50, 5)({ x: 3, y: 4 })).toEqual({ x: 50, y: 25 });
    const vertical = fitTo({ minX: 1, maxX: 1, minY: 0, maxY: 2 }, 100, 50, 5);
    expect(vertical({ x: 1, y: 2 })).toEqual({ x: 50, y: 5 });
    expect(vertical({ x: 1, y: 0 })).toEqual({ x: 50, y: 45 });
  });

  it('says how long ago in words, and fades a silent worker down to a quarter', () => {
    expect(agoText(420)).toBe('0.4 s ago');
    expect(agoText(12_400)).toBe('12 s ago');
    expect(agoText(180_000)).toBe('3 min ago');
    expect(agoText(-5)).toBe('0.0 s ago');
    expect(fadeOf(1000)).toBe(1);
    expect(fadeOf(16_000)).toBeCloseTo(0.625);
    expect(fadeOf(60_000)).toBe(0.25);
  });
});
