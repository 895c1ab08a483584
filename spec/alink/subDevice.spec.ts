import * as E from 'fp-ts/Either';
import { NEVER, of, throwError, type Observable } from 'rxjs';
import type { RequestFailure } from '../../lib/alink/RequestFailure';
import { toldLogin, type SubDeviceLoginEvent } from '../../lib/alink/subDevice';

type Login = Observable<E.Either<RequestFailure, string>>;
const timedOut: RequestFailure = {
  _tag: 'TimeoutFailure',
  topic: '/ext/session/gw/gw01/combine/login',
  timeoutMs: 1,
};

describe('toldLogin', () => {
  it.each<[string, Login, boolean, readonly SubDeviceLoginEvent[]]>([
    ['accepted', of(E.right('s01')), false, ['started', 'accepted']],
    ['failed (refused, or not answered in time)', of(E.left(timedOut)), false, ['started', 'failed']],
    ['failed when it errors', throwError(() => new Error('no link')), false, ['started', 'failed']],
    ['given up when unsubscribed before its answer', NEVER, true, ['started', 'given-up']],
  ])('should tell a login started, then %s', (_, login, unsubscribe, expected) => {
    const told: SubDeviceLoginEvent[] = [];
    const subscription = toldLogin(login, (event) => told.push(event)).subscribe({ error: () => undefined });
    if (unsubscribe) subscription.unsubscribe();
    expect(told).toEqual(expected);
  });
});
