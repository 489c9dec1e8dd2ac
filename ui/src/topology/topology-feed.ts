import { fetchTopologyDoc, type TopologyDoc } from '../api/meta';
import { Observable } from '../store';

/**
 * The current topology of the meta-server, kept current for the whole page: one `GET /topology/watch` event stream
 * (the browser's EventSource reconnects by itself), and on each new version the JSON document (graph, chat's app
 * lookup). The editor hears of new versions here too.
 */
export class TopologyFeed extends Observable {
  version?: string;
  doc?: TopologyDoc;
  /** `live` while the event stream is open. */
  watch: 'off' | 'connecting' | 'live' = 'off';
  error?: string;
  private source?: EventSource;
  private loading?: Promise<void>;
  /** The newest version the event stream announced. */
  private announced?: string;

  start(): void {
    if (this.source) return;
    this.watch = 'connecting';
    const source = new EventSource('/meta/topology/watch');
    this.source = source;
    source.onopen = () => {
      this.watch = 'live';
      this.changed();
    };
    source.onerror = () => {
      this.watch = 'connecting';
      this.changed();
    };
    source.addEventListener('version', (event) => {
      const { version } = JSON.parse((event as MessageEvent<string>).data) as { version: string };
      this.announced = version;
      if (version !== this.version) void this.reload();
    });
    void this.reload();
  }

  stop(): void {
    this.source?.close();
    this.source = undefined;
    this.watch = 'off';
  }

  /** Read the current document again (also what a version event does). */
  reload(): Promise<void> {
    this.loading ??= fetchTopologyDoc()
      .then(({ doc, version }) => {
        this.doc = doc;
        this.version = version;
        this.error = undefined;
      })
      .catch((error: Error) => {
        this.error = `The topology could not be read: ${error.message}`;
      })
      .finally(() => {
        this.loading = undefined;
        this.changed();
        // A version announced while this read was under way may be newer than what it got.
        if (this.error === undefined && this.announced !== undefined && this.announced !== this.version) void this.reload();
      });
    return this.loading;
  }

  /** The app a user id belongs to (by its prefix), if the topology has it. */
  appOf(userId: string): TopologyDoc['clientApps'][number] | undefined {
    const prefix = /^(.+)-\d+$/.exec(userId.trim())?.[1];
    return prefix === undefined ? undefined : this.doc?.clientApps.find((app) => app.appName === prefix);
  }
}
