/**
 * What `promise` gives, or `late` if it has given nothing within `ms`: a wait on real sockets that fails as an
 * assertion rather than the test's timeout. The timer is cleared either way, so no handle is left open.
 */
export async function within<T>(ms: number, promise: Promise<T>, late: string): Promise<T | string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(late), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
