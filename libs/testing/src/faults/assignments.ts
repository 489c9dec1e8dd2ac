import { intakeTopic } from '@linker/contracts';
import type { AppProcess } from '../processes';

/** The intake partitions a processor holds, from the last "joined the group" line its Kafka client logged. */
export function intakeAssignment(processor: AppProcess, domain: string): number[] {
  const topic = intakeTopic(domain);
  const joins = processor
    .output()
    .split('\n')
    .filter((line) => line.includes('"msg":"Consumer has joined the group"') && line.includes(`"groupId":"linker.${domain}.processors"`));
  const last = joins.at(-1);
  if (last === undefined) return [];
  const assignment = (JSON.parse(last) as { memberAssignment?: Record<string, number[]> }).memberAssignment ?? {};
  return assignment[topic] ?? [];
}
