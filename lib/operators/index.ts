export { backoffDelay, type BackoffPolicy } from './backoffDelay';
export { retryBackoff, type RetryBackoffOptions, type RetryInfo } from './retryBackoff';
export { classifyTopic, type Classified, type TopicRoutes } from './classifyTopic';
export { ofKind } from './ofKind';
export { decodeJson, decodePayload, type DecodeError, type Decoded, type PayloadMessage } from './decodeJson';
export {
  publishWhileConnected,
  type PublishWhileConnectedConfig,
  type PeriodicPublishError,
} from './publishWhileConnected';
