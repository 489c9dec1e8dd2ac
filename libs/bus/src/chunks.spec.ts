import { chunksBySize } from './chunks';

describe('chunksBySize', () => {
  const size = (text: string): number => text.length;

  it('cuts items, in order, into runs within the budget, the overhead counted once per run', () => {
    expect(chunksBySize(['aaa', 'bb', 'c', 'dddd'], size, 6)).toEqual([
      { items: ['aaa', 'bb', 'c'], bytes: 6 },
      { items: ['dddd'], bytes: 4 },
    ]);
    expect(chunksBySize(['aaa', 'bb', 'c', 'dddd'], size, 6, 2).map((chunk) => chunk.items)).toEqual([['aaa'], ['bb', 'c'], ['dddd']]);
  });

  it('puts an item too large for any run alone, and makes no run of nothing', () => {
    expect(chunksBySize(['a', 'bbbbbbbbbb', 'c'], size, 4)).toEqual([
      { items: ['a'], bytes: 1 },
      { items: ['bbbbbbbbbb'], bytes: 10 },
      { items: ['c'], bytes: 1 },
    ]);
    expect(chunksBySize([], size, 4)).toEqual([]);
  });
});
