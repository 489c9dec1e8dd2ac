import type { Placement, TopologyDiff } from '../api/meta';

/** The largest user number (no upper bound), as libs/topology has it. */
const MAX_USER_NUMBER = 999_999_999_999_999;

function placement(p: Placement): string {
  switch (p.kind) {
    case 'domain':
      return p.domain;
    case 'everywhere':
      return 'every domain';
    case 'outside-ranges':
      return 'nowhere (outside every range: refused)';
  }
}

/** The lines of a diff in words, each with whether it adds, removes or changes something. Empty: nothing changes. */
function diffLines(diff: TopologyDiff): Array<{ kind: 'added' | 'removed' | 'changed'; text: string }> {
  const lines: Array<{ kind: 'added' | 'removed' | 'changed'; text: string }> = [];
  for (const name of diff.domains.added) lines.push({ kind: 'added', text: `domain ${name}` });
  for (const name of diff.domains.removed) lines.push({ kind: 'removed', text: `domain ${name}` });
  for (const d of diff.domains.changed)
    lines.push({ kind: 'changed', text: `domain ${d.name}: urls ${d.urlsBefore.join(', ')} → ${d.urlsAfter.join(', ')}` });
  const cost = (c: number) => (c === 1 ? '' : ` (cost ${c})`);
  for (const l of diff.links.added) lines.push({ kind: 'added', text: `link ${l.n1} – ${l.n2}${cost(l.cost)}` });
  for (const l of diff.links.removed) lines.push({ kind: 'removed', text: `link ${l.n1} – ${l.n2}${cost(l.cost)}` });
  for (const l of diff.links.changed)
    lines.push({ kind: 'changed', text: `link ${l.n1} – ${l.n2}: cost ${l.costBefore} → ${l.costAfter}` });
  for (const name of diff.apps.added) lines.push({ kind: 'added', text: `app ${name}` });
  for (const name of diff.apps.removed) lines.push({ kind: 'removed', text: `app ${name}` });
  for (const a of diff.apps.changed) lines.push({ kind: 'changed', text: `app ${a.appName}: ${a.fields.join(', ')}` });
  for (const m of diff.movedUsers) {
    const upper =
      m.to >= MAX_USER_NUMBER
        ? `${m.appName}-${m.from} and above`
        : m.from === m.to
          ? `${m.appName}-${m.from}`
          : `${m.appName}-${m.from} … ${m.appName}-${m.to}`;
    lines.push({ kind: 'changed', text: `users ${upper} move home: ${placement(m.before)} → ${placement(m.after)}` });
  }
  return lines;
}

const SIGN = { added: '+', removed: '−', changed: '~' } as const;

/** `topo-diff`: what applying the text would change, against the current version. */
export function DiffView({ diff, from }: { diff: TopologyDiff; from: string }) {
  const lines = diffLines(diff);
  return (
    <section data-testid="topo-diff" class="diff" aria-label="Changes against the current version">
      <h3>Changes against version {from}</h3>
      {lines.length === 0 ? (
        <p class="hint">Nothing changes: the text is the current version.</p>
      ) : (
        <ul>
          {lines.map((line, i) => (
            <li key={i} class={`diff-${line.kind}`}>
              <span class="sign" aria-label={line.kind}>
                {SIGN[line.kind]}
              </span>{' '}
              {line.text}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
