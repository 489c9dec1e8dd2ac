import { STATE_WORDS, linkCounts } from './graph-labels';
import type { GraphLink } from './link-states';

/** Every link in words (what each end reports), folded away under their counts. */
export function LinkList({ links }: { links: GraphLink[] }) {
  const counts = linkCounts(links);
  return (
    <details class="link-list">
      <summary>
        Links ({counts.up} up, {counts.down} down, {counts.unknown} unknown)
      </summary>
      <ul>
        {links.map((link) => (
          <li key={link.key} class={`link-${link.state}`}>
            <strong>
              {link.n1} – {link.n2}
            </strong>{' '}
            {STATE_WORDS[link.state]}
            {link.cost !== 1 && `, cost ${link.cost}`}
            <br />
            <small>{link.detail.join('; ')}</small>
          </li>
        ))}
      </ul>
    </details>
  );
}
