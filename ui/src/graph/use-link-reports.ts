import { useEffect, useState } from 'preact/hooks';
import { fetchLinks, type LinkObservation } from '../api/server';

/** How often the link states are read again while the picture is shown. */
export const REFRESH_MS = 1_500;

export interface LinkReports {
  reports: LinkObservation[];
  error?: string;
  /** When the reports were read. */
  at?: number;
}

/** The links' reports, read every 1.5 s while `active`. */
export function useLinkReports(active: boolean): LinkReports {
  const [state, setState] = useState<LinkReports>({ reports: [] });
  useEffect(() => {
    if (!active) return;
    let stopped = false;
    let controller: AbortController | undefined;
    const read = () => {
      controller?.abort();
      controller = new AbortController();
      fetchLinks(controller.signal).then(
        (reports) => !stopped && setState({ reports, at: Date.now() }),
        (error: Error) =>
          !stopped && error.name !== 'AbortError' && setState((s) => ({ ...s, error: `Link states could not be read: ${error.message}` })),
      );
    };
    read();
    const timer = setInterval(read, REFRESH_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
      controller?.abort();
    };
  }, [active]);
  return state;
}
