import { errorMessage } from '@linker/kernel';
import { runService } from '@linker/lifecycle';
import { clientPortConfig } from '../../connector/src';
import { linkTlsConfig, webhookConfig } from '../../processor/src';
import { openEmbeddedDomain } from './embedded-domain';
import { parseFlags, USAGE, type EmbeddedOptions } from './flags';

function options(): EmbeddedOptions {
  try {
    const parsed = parseFlags(process.argv.slice(2));
    if (parsed === 'help') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    }
    // Secrets come from the environment, never from flags (flags show in `ps`).
    const secret = (name: string) => process.env[name] || undefined;
    const clientPort = clientPortConfig.load(process.env);
    const webhooks = webhookConfig.load(process.env);
    // One process on a laptop: cleartext links are allowed (and warned about) unless the environment says false.
    const linkTls = linkTlsConfig.load({ LINKER_LINKS_ALLOW_CLEARTEXT: 'true', ...process.env });
    return {
      ...parsed,
      clientPort,
      webhooks,
      linkTls,
      linkSecret: secret('LINKER_LINK_SECRET'),
      internalToken: secret('LINKER_INTERNAL_TOKEN'),
      adminToken: secret('LINKER_ADMIN_TOKEN'),
    };
  } catch (error) {
    process.stderr.write(`${errorMessage(error)}\n`);
    process.exit(64);
  }
}

void runService('linker', async () => {
  const domain = await openEmbeddedDomain(options());
  const lines = [
    `linker-ts: domain ${domain.domain} is running in one process (embedded mode)`,
    `  clients:      ${domain.urls.client}`,
    domain.urls.link ? `  links:        ${domain.urls.link}  (neighbour domains)` : '  links:        off',
    domain.urls.metaServer ? `  meta-server:  ${domain.urls.metaServer}  (GET /topology, /clientApps, /domains)` : '  meta-server:  off',
    domain.urls.ui ? `  web UI:       ${domain.urls.ui}` : '  web UI:       off',
    ...(domain.urls.metrics ? [`  metrics:      ${domain.urls.metrics}`] : []),
    '  stop with Ctrl-C',
  ];
  process.stderr.write(`${lines.join('\n')}\n`);
  return domain;
});
