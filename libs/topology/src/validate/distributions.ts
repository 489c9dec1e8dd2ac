import { MAX_USER_NUMBER } from '../topology-view';
import type { UserDistribution } from '../topology';
import { SHOWN_UNREACHABLE, type DomainGraph } from './domain-graph';
import { asList, checkKeys, mappingsOf, readInteger, readString, type Mapping } from './fields';

const DISTRIBUTION_KEYS = ['domainName', 'from', 'to'];

interface Range {
  index: number;
  from: number;
  to: number;
}

/**
 * An app's `userDistributions`: each names a known domain, `from ≤ to` (both inclusive; `from` defaults to 0 and
 * `to` to unbounded), and no two ranges of the app overlap. Undefined when the app has none.
 */
export function readDistributions(app: Mapping, graph: DomainGraph): UserDistribution[] | undefined {
  if (app.value.userDistributions === undefined || app.value.userDistributions === null) return undefined;
  const list = asList(app, 'userDistributions', false);
  if (!list) return undefined;
  const distributions: UserDistribution[] = [];
  const ranges: Range[] = [];
  for (const map of mappingsOf(list, [...app.path, 'userDistributions'], app.problems)) {
    checkKeys(map, DISTRIBUTION_KEYS);
    const distribution = readDistribution(map, graph);
    if (!distribution) continue;
    const range = { index: map.index, from: distribution.from ?? 0, to: distribution.to ?? MAX_USER_NUMBER };
    const overlapped = ranges.find((r) => r.from <= range.to && range.from <= r.to);
    if (overlapped) {
      map.problems.error(map.path, `range ${show(range)} overlaps userDistributions[${overlapped.index}] (${show(overlapped)})`);
    }
    warnIfUnreachable(map, distribution.domainName, graph, range);
    ranges.push(range);
    distributions.push(distribution);
  }
  return distributions;
}

function readDistribution(map: Mapping, graph: DomainGraph): UserDistribution | undefined {
  const domainName = readString(map, 'domainName', { required: true });
  const from = readInteger(map, 'from', 0, MAX_USER_NUMBER);
  const to = readInteger(map, 'to', 0, MAX_USER_NUMBER);
  const fromOk = map.value.from === undefined || map.value.from === null || from !== undefined;
  const toOk = map.value.to === undefined || map.value.to === null || to !== undefined;
  if (domainName !== undefined && !graph.knows(domainName)) {
    map.problems.error([...map.path, 'domainName'], `names an unknown domain "${domainName}" (not in domains)`);
    return undefined;
  }
  if (from !== undefined && to !== undefined && from > to) {
    map.problems.error([...map.path, 'to'], `is less than from (${to} < ${from}): the range is empty`);
    return undefined;
  }
  if (domainName === undefined || !fromOk || !toOk) return undefined;
  return { domainName, ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) };
}

/** Users who live in a domain that some other domain cannot reach are unreachable from there (docs/protocol.md, Validation). */
function warnIfUnreachable(map: Mapping, domain: string, graph: DomainGraph, range: Range): void {
  const { count, first } = graph.unreachableFrom(domain);
  if (count === 0) return;
  const shown = count > SHOWN_UNREACHABLE ? `${first.join(', ')} and ${count - SHOWN_UNREACHABLE} more` : first.join(', ');
  map.problems.warning(
    [...map.path, 'domainName'],
    `users ${show(range)} live in ${domain}, which ${shown} cannot reach (no path of domainLinks): messages from there to them fail`,
  );
}

function show(range: Range): string {
  return `${range.from}–${range.to === MAX_USER_NUMBER ? '∞' : range.to}`;
}
