import { describeCycle, packageCycles, type CruisedModule } from './package-cycles';

/** A module of a cruise result importing `imports` (resolved paths). */
const cruised = (source: string, ...imports: string[]): CruisedModule => ({
  source,
  dependencies: imports.map((resolved) => ({ resolved })),
});

describe('packageCycles', () => {
  it('finds production code in a cycle with test code, though no file is in it twice, and names one import per step', () => {
    const cycles = packageCycles([
      cruised('libs/bus/src/memory/memory-bus.spec.ts', 'libs/testing/src/index.ts'),
      cruised('libs/testing/src/contracts/bus.contract.ts', 'libs/bus/src/index.ts'),
    ]);
    expect(cycles).toEqual([
      {
        parts: ['libs/bus/src', 'libs/testing/src'],
        imports: [
          'libs/bus/src/memory/memory-bus.spec.ts → libs/testing/src/index.ts',
          'libs/testing/src/contracts/bus.contract.ts → libs/bus/src/index.ts',
        ],
      },
    ]);
    expect(describeCycle(cycles[0])).toContain('package-circular: libs/bus/src → libs/testing/src → libs/bus/src');
  });

  it('accepts tests in test/ that import their own src and libs/testing', () => {
    const cycles = packageCycles([
      cruised(
        'libs/bus/test/memory/memory-bus.spec.ts',
        'libs/bus/src/index.ts',
        'libs/testing/src/index.ts',
        'libs/bus/test/memory/testing/doomed-member.ts',
      ),
      cruised('libs/bus/test/memory/testing/doomed-member.ts', 'libs/bus/src/memory/memory-bus.ts'),
      cruised('libs/testing/src/contracts/bus.contract.ts', 'libs/bus/src/index.ts'),
      cruised(
        'libs/bus/src/index.ts',
        'libs/bus/src/memory/memory-bus.ts',
        'node_modules/kafkajs/index.js',
        '../../main/node_modules/nats/index.js',
        'fs',
      ),
    ]);
    expect(cycles).toEqual([]);
  });

  it('finds a cycle through several packages once, and ignores core modules and imports that did not resolve', () => {
    const cycles = packageCycles([
      cruised('libs/lifecycle/src/run-service.ts', 'libs/testing/src/index.ts'),
      cruised('libs/testing/src/index.ts', 'libs/bus/src/index.ts'),
      cruised('libs/bus/src/lanes.ts', 'libs/lifecycle/src/index.ts'),
      {
        source: 'libs/kernel/src/index.ts',
        dependencies: [
          { resolved: 'libs/bus/src/x.ts', couldNotResolve: true },
          { resolved: 'libs/lifecycle/src/index.ts', coreModule: true },
        ],
      },
      cruised('libs/bus/src/x.ts', 'libs/kernel/src/index.ts'),
    ]);
    expect(cycles.map((cycle) => cycle.parts)).toEqual([['libs/bus/src', 'libs/lifecycle/src', 'libs/testing/src']]);
  });
});
