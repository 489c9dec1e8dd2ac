import { parseFlags } from './flags';

describe('embedded flags', () => {
  it("defaults to the original ports and the single-domain topology (client and link ports: the domain's endpoints)", () => {
    expect(parseFlags([])).toEqual({
      topologyFile: 'topologies/single-domain.yaml',
      domain: undefined,
      wsPort: undefined,
      linkPort: undefined,
      followMetaServer: undefined,
      metaPort: 9000,
      uiPort: 4400,
      metaServer: true,
      ui: true,
      dataDir: undefined,
      host: '127.0.0.1',
      logLevel: 'info',
      logFormat: 'auto',
    });
  });

  it('takes a log format, and refuses an unknown one', () => {
    expect(parseFlags(['--log-format', 'pretty'])).toMatchObject({ logFormat: 'pretty' });
    expect(() => parseFlags(['--log-format', 'loud'])).toThrow(/--log-format must be one of auto, json, pretty, got "loud"/);
  });

  it('takes a topology, a domain, ports and switches', () => {
    const options = parseFlags(['--topology', 'ring.yaml', '--domain', 'domain-02', '--ws-port', '0', '--no-ui', '--no-meta-server']);
    expect(options).toMatchObject({ topologyFile: 'ring.yaml', domain: 'domain-02', wsPort: 0, ui: false, metaServer: false });
  });

  it('follows a meta-server without serving one or the UI, unless given their ports', () => {
    expect(parseFlags(['--meta-server', 'http://127.0.0.1:9000', '--link-port', '9192'])).toMatchObject({
      followMetaServer: 'http://127.0.0.1:9000',
      linkPort: 9192,
      metaServer: false,
      ui: false,
    });
    expect(parseFlags(['--meta-server', 'http://127.0.0.1:9000', '--ui-port', '4401'])).toMatchObject({
      metaServer: false,
      ui: true,
      uiPort: 4401,
    });
    expect(() => parseFlags(['--meta-server', 'ftp://x'])).toThrow(/--meta-server must be an http\(s\) URL, got "ftp:\/\/x"/);
  });

  it('lists every bad flag at once, with the usage', () => {
    expect(() => parseFlags(['--ws-port', 'x', '--meta-port', '70000', '--log-level', 'loud'])).toThrow(
      /--ws-port must be a port number \(0-65535\), got "x"\n--meta-port must be a port number \(0-65535\), got "70000"\n--log-level must be one of debug, info, warn, error, silent, got "loud"\nUsage: npm start/,
    );
  });

  it('refuses an unknown flag', () => {
    expect(() => parseFlags(['--colour'])).toThrow(/Unknown option '--colour'[\s\S]*Usage: npm start/);
  });

  it('answers --help', () => {
    expect(parseFlags(['--help'])).toBe('help');
  });
});
