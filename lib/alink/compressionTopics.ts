import { COMPRESSION_LIMITS, isCompressionTopic, type CompressionTopics } from '../protocol';

/** The topics of a declaration, as `declareCompression` and `compressedDevice` take them. */
export interface CompressionTopicsOptions {
  /**
   * Topics the device publishes gzip on, the platform decompressing them before they flow on: complete
   * topics of its own (`device.topics.propertyPost`), no wildcards. Default: none.
   */
  readonly uplink?: readonly string[] | undefined;
  /** Topics the platform sends gzip on, the device decompressing them. Default: none. */
  readonly downlink?: readonly string[] | undefined;
}

/**
 * The topics checked and each listed once: a TypeError for what is no string, a RangeError for a wildcard
 * or an empty topic (the platform takes complete topics only) and for more than 20 in all (its limit).
 */
export function compressionTopics(options: CompressionTopicsOptions, caller: string): CompressionTopics {
  const listOf = (name: 'uplink' | 'downlink'): string[] => {
    const given: unknown = options[name] ?? [];
    if (!Array.isArray(given)) throw new TypeError(`${caller}: ${name} must be an array of topics`);
    for (const topic of given as unknown[]) {
      if (typeof topic !== 'string') throw new TypeError(`${caller}: ${name} must hold topics (strings)`);
      if (!isCompressionTopic(topic)) {
        throw new RangeError(
          `${caller}: ${name} topic ${JSON.stringify(topic)} must be a complete topic: the platform takes no wildcards`,
        );
      }
    }
    return [...new Set(given as string[])];
  };
  const topics = { uplink: listOf('uplink'), downlink: listOf('downlink') };
  const count = topics.uplink.length + topics.downlink.length;
  if (count > COMPRESSION_LIMITS.maxTopics) {
    throw new RangeError(
      `${caller}: ${count} topics, over the platform's ${COMPRESSION_LIMITS.maxTopics} per device`,
    );
  }
  return topics;
}
