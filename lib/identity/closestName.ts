/** How far apart two names are: edits (insert, delete, replace) between them, case, `-` and `_` ignored. */
export function nameDistance(a: string, b: string): number {
  const x = normalized(a);
  const y = normalized(b);
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) {
      const replace = (previous[j - 1] ?? 0) + (x[i - 1] === y[j - 1] ? 0 : 1);
      row.push(Math.min(replace, (previous[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1));
    }
    previous = row;
  }
  return previous[y.length] ?? 0;
}

const normalized = (name: string): string => name.toLowerCase().replace(/[-_]/g, '');

/**
 * The known dotted path whose last name is nearest to `name`, if any is near enough to be a likely typo or
 * a misplaced option (a third of the longer name). On a tie, a path under `parent` wins.
 *
 * ```ts
 * closestName('ca', '', ['keepalive', 'tls.ca', 'tls.cert']) // 'tls.ca'
 * ```
 */
export function closestName(name: string, parent: string, known: readonly string[]): string | undefined {
  let best: { path: string; distance: number; sibling: boolean } | undefined;
  for (const path of known) {
    const dot = path.lastIndexOf('.');
    const leaf = path.slice(dot + 1);
    const distance = nameDistance(name, leaf);
    const sibling = path.slice(0, Math.max(dot, 0)) === parent;
    if (distance > Math.floor(Math.max(normalized(name).length, leaf.length) / 3)) continue;
    if (
      best === undefined ||
      distance < best.distance ||
      (distance === best.distance && sibling && !best.sibling)
    )
      best = { path, distance, sibling };
  }
  return best?.path;
}
