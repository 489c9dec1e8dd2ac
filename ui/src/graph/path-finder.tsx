import { homesSentence, pathSentence } from './graph-labels';
import type { PathFinder, ShownRoute } from './use-path-finder';

/** The form that asks for the path between two users. */
export function PathFinderForm({ finder }: { finder: PathFinder }) {
  const { from, to } = finder;
  return (
    <form class="path-finder row" onSubmit={finder.show} aria-label="Path between two users">
      <label>
        From user
        <input
          data-testid="path-from"
          value={from}
          onInput={(e) => finder.setFrom(e.currentTarget.value)}
          placeholder="ANZ-123456"
          spellcheck={false}
        />
      </label>
      <label>
        To user
        <input
          data-testid="path-to"
          value={to}
          onInput={(e) => finder.setTo(e.currentTarget.value)}
          placeholder="ANZ-3123456"
          spellcheck={false}
        />
      </label>
      <button data-testid="path-show" type="submit" class="primary" disabled={from.trim() === '' || to.trim() === ''}>
        Show path
      </button>
    </form>
  );
}

/** `path-result`: the homes of both users and the domains crossed, or why there is no path. */
export function PathResult({ route }: { route?: ShownRoute }) {
  if (route === undefined)
    return (
      <p data-testid="path-result" data-path="" class="path-result">
        Finding the path…
      </p>
    );
  if (route.problem !== undefined) {
    return (
      <p data-testid="path-result" data-path="" data-reason={route.problem} class="path-result unreachable">
        {route.problem}
      </p>
    );
  }
  const { path, reason } = route.preview!;
  const homes = homesSentence(route.preview!);
  if (path.length === 0) {
    return (
      <p data-testid="path-result" data-path="" data-reason={reason ?? 'unreachable'} class="path-result unreachable">
        {homes} <strong>No route:</strong> {reason}
      </p>
    );
  }
  return (
    <p data-testid="path-result" data-path={path.join('>')} class="path-result">
      {homes} <strong>{pathSentence(path)}</strong>
    </p>
  );
}
