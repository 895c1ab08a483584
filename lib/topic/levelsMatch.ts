/**
 * Whether parsed filter levels (literals, `'+'`, `'#'`) match the levels of a topic, by MQTT 3.1.1 §4.7:
 * `+` takes exactly one level, possibly empty; `#` takes the rest, zero levels included, so `a/#` matches
 * `a`; a wildcard in the first level never matches a topic starting with `$` (§4.7.2).
 */
export function levelsMatch(
  levels: readonly string[],
  topicLevels: readonly string[],
  dollar: boolean,
): boolean {
  const first = levels[0];
  if (dollar && (first === '+' || first === '#')) return false;
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i];
    if (level === '#') return true;
    if (i >= topicLevels.length) return false;
    if (level !== '+' && level !== topicLevels[i]) return false;
  }
  return levels.length === topicLevels.length;
}

/** `$` starts the topics that wildcards in the first level must not reach (`$SYS/…`, §4.7.2). */
export function isDollarTopic(topic: string): boolean {
  return topic.charCodeAt(0) === 36;
}
