export { InvalidTopicError } from './InvalidTopicError';
export { validateTopic } from './validateTopic';
export { validateFilter, type ValidateFilterOptions } from './validateFilter';
export { matchTopic } from './matchTopic';
export { extractParams } from './extractParams';
export { toMqttFilter } from './toMqttFilter';
export { TopicRouter, type TopicMatch } from './TopicRouter';
export { type TopicParams } from './buildParams';
export { MAX_TOPIC_BYTES } from './encodingProblem';
