export { KafkaBus } from './kafka-bus';
export { DEFAULT_KAFKA_TUNING, type KafkaBusOptions, type KafkaTuning } from './kafka-config';
