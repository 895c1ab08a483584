export type { AlinkDevice } from './AlinkDevice';
export {
  alinkNotify,
  alinkReplyTo,
  alinkRequest,
  DEFAULT_REQUEST_TIMEOUT_MS,
  request,
  type AlinkRequestOptions,
  type AlinkRequestSpec,
  type RequestSpec,
} from './request';
export type { ReplyFailure, RequestFailure, SubscribeFailure, TimeoutFailure } from './RequestFailure';
