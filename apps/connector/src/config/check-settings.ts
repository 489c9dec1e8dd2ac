import { ConfigError } from '@linker/config';
import type { ConnectorSettings } from './connector.config';

/** Throws `ConfigError` listing every setting that does not fit with another (each check names its variables). */
export function checkSettings(config: ConnectorSettings): void {
  const problems: string[] = [];
  if (config.presenceTtlMs <= config.presenceHeartbeatMs) {
    problems.push(
      `LINKER_PRESENCE_TTL_MS (${config.presenceTtlMs}) must exceed LINKER_PRESENCE_HEARTBEAT_MS (${config.presenceHeartbeatMs})`,
    );
  }
  if (config.rateBurst < 1 || config.rateLimit < 1) problems.push('LINKER_RATE_LIMIT and LINKER_RATE_BURST must be at least 1');
  const largestGroup = Math.ceil(config.maxGroupRecipients / config.groupRecipientsPerToken);
  if (largestGroup > Math.min(config.rateBurst, config.userRateBurst)) {
    problems.push(
      `a GROUP_MESSAGE to LINKER_MAX_GROUP_RECIPIENTS (${config.maxGroupRecipients}) takes ${largestGroup} tokens (LINKER_GROUP_RECIPIENTS_PER_TOKEN ${config.groupRecipientsPerToken}): more than LINKER_RATE_BURST or LINKER_USER_RATE_BURST hold`,
    );
  }
  if (largestGroup > config.apiRateBurst) {
    problems.push(
      `a server API message to LINKER_MAX_GROUP_RECIPIENTS (${config.maxGroupRecipients}) takes ${largestGroup} tokens: more than LINKER_API_RATE_BURST (${config.apiRateBurst}) holds`,
    );
  }
  problems.push(...compatProblems(config));
  if (problems.length > 0) throw new ConfigError(problems);
}

/** What is wrong with the compatible endpoints' settings, each naming its variables. */
function compatProblems(config: ConnectorSettings): string[] {
  const problems: string[] = [];
  if (config.push !== undefined && !config.pushApp) problems.push('LINKER_PUSH needs LINKER_PUSH_APP, the app whose channels it serves');
  if (config.pushLifetimeMinMs > config.pushLifetimeMaxMs) {
    problems.push(
      `LINKER_PUSH_LIFETIME_MIN_MS (${config.pushLifetimeMinMs}) must not exceed LINKER_PUSH_LIFETIME_MAX_MS (${config.pushLifetimeMaxMs})`,
    );
  }
  if (config.realtimerPort !== undefined && !config.realtimerApp) {
    problems.push('LINKER_REALTIMER_PORT needs LINKER_REALTIMER_APP, the app it sends for');
  }
  return problems;
}
