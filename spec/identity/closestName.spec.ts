import { closestName, nameDistance } from '../../lib/identity/closestName';

describe('nameDistance', () => {
  it.each<[string, string, number]>([
    ['keepalive', 'keepalive', 0],
    ['keepAlive', 'keepalive', 0],
    ['clean_session', 'cleanSession', 0],
    ['client-id', 'clientId', 0],
    ['rejectUnauthorised', 'rejectUnauthorized', 1],
    ['certs', 'cert', 1],
    ['ca', 'key', 3],
    ['', 'url', 3],
  ])('should count %p to %p as %i edits', (a, b, distance) => {
    expect(nameDistance(a, b)).toBe(distance);
    expect(nameDistance(b, a)).toBe(distance);
  });
});

describe('closestName', () => {
  const known = ['keepalive', 'tls', 'tls.ca', 'tls.cert', 'endpoint.url', 'registration.url', 'url2'];

  it.each<[string, string, string | undefined]>([
    ['ca', '', 'tls.ca'],
    ['keepAlive', '', 'keepalive'],
    ['crt', 'tls', 'tls.cert'],
    ['TLS', '', 'tls'],
    // A tie goes to the first in the list, unless another one sits under the same parent.
    ['url', '', 'endpoint.url'],
    ['url', 'registration', 'registration.url'],
    ['scheduler', '', undefined],
    ['x', '', undefined],
  ])('should suggest for %p under %p: %p', (name, parent, expected) => {
    expect(closestName(name, parent, known)).toBe(expected);
  });
});
