import * as E from 'fp-ts/Either';
import {
  COMPRESSION_LIMITS,
  compressionEntries,
  compressionTopicsOf,
  CompressionUpdate,
  compressionUpdate,
  CompressionUpdateReply,
  compressionUpdateReply,
  isCompressionTopic,
} from '../../lib/protocol';

const post = '/sys/pk/dn/thing/event/property/post';
const set = '/sys/pk/dn/thing/service/property/set';
const update = '/pk/dn/user/update';

describe('compression payloads', () => {
  it('should name each topic from the platform side: uplink decompress, downlink compress, all gzip', () => {
    expect(compressionEntries({ uplink: [post, update], downlink: [set] })).toEqual([
      { topic: post, operation: 'decompress', format: 'gzip' },
      { topic: update, operation: 'decompress', format: 'gzip' },
      { topic: set, operation: 'compress', format: 'gzip' },
    ]);
  });

  it('should read the directions back, each topic once', () => {
    const entries = [
      { topic: set, operation: 'compress' as const, format: 'gzip' },
      { topic: post, operation: 'decompress' as const, format: 'gzip' },
      { topic: set, operation: 'compress' as const, format: 'gzip' },
    ];
    expect(compressionTopicsOf(entries)).toEqual({ uplink: [post], downlink: [set] });
  });

  it('should write a request with an id and version "1.0", and no method', () => {
    expect(compressionUpdate('42', { uplink: [post], downlink: [] })).toEqual({
      id: '42',
      version: '1.0',
      params: [{ topic: post, operation: 'decompress', format: 'gzip' }],
    });
  });

  it.each<[string, string]>([
    // What the C SDK sends: params alone, with the spaces it writes.
    [
      'the C SDK',
      `{"params":[{"topic": "${update}","operation": "decompress","format": "gzip"},{"topic": "${set}","operation": "compress","format": "gzip"}]}`,
    ],
    // The docs' example: a numeric id and version.
    [
      'the docs',
      `{"id":1,"version": 1.0,"params":[{"topic":"${update}","operation":"decompress","format":"gzip"},{"topic":"${set}","operation":"compress","format":"gzip"}]}`,
    ],
  ])('should read a request as %s writes it', (_, json) => {
    const decoded = CompressionUpdate.decode(JSON.parse(json));
    expect(E.isRight(decoded) && compressionTopicsOf(decoded.right.params)).toEqual({
      uplink: [update],
      downlink: [set],
    });
  });

  it.each<unknown>([
    {},
    { params: {} },
    { params: [{ topic: post, operation: 'zip', format: 'gzip' }] },
    { params: [{ topic: post, format: 'gzip' }] },
    { id: 'x', params: [] },
  ])('should refuse the request %p', (json) => {
    expect(E.isLeft(CompressionUpdate.decode(json))).toBe(true);
  });

  it.each<[string, unknown, { id?: string; code: number; message?: string }]>([
    [
      'the docs',
      { id: 1, version: 1.0, code: 200, message: 'success' },
      { id: '1', code: 200, message: 'success' },
    ],
    [
      'with strings',
      { id: '7', version: '1.0', code: '460', message: 'bad' },
      { id: '7', code: 460, message: 'bad' },
    ],
    ['without an id', { code: 200, message: 'success' }, { code: 200, message: 'success' }],
  ])('should read a reply %s', (_, json, expected) => {
    const decoded = CompressionUpdateReply.decode(json);
    expect(E.isRight(decoded)).toBe(true);
    expect(E.isRight(decoded) && decoded.right).toMatchObject(expected);
  });

  it.each<unknown>([{ id: '1', message: 'success' }, { code: 'ok' }, { id: -1, code: 200 }])(
    'should refuse the reply %p',
    (json) => {
      expect(E.isLeft(CompressionUpdateReply.decode(json))).toBe(true);
    },
  );

  it('should write a reply, without an id when the request had none', () => {
    expect(compressionUpdateReply({ id: '3', code: 200, message: 'success' })).toEqual({
      id: '3',
      version: '1.0',
      code: 200,
      message: 'success',
    });
    expect(compressionUpdateReply({ code: 460, message: 'no' })).toEqual({
      version: '1.0',
      code: 460,
      message: 'no',
    });
  });

  it.each<[string, boolean]>([
    [post, true],
    [update, true],
    ['/sys/pk/dn/thing/service/+', false],
    ['/pk/dn/user/#', false],
    ['', false],
    ['/pk/dn/user/a\u0000b', false],
  ])('should take %p as a declared topic: %p', (topic, taken) => {
    expect(isCompressionTopic(topic)).toBe(taken);
  });

  it('should hold the platform limits: 20 topics, 1 MiB before compression', () => {
    expect(COMPRESSION_LIMITS).toEqual({ maxTopics: 20, maxUncompressedBytes: 1_048_576 });
  });
});
