/** The secret store's file could not be read as one (it is kept, not overwritten), or there are no files (a browser). */
export class SecretStoreError extends Error {
  override readonly name = 'SecretStoreError';
  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(`secret store ${path}: ${problem}`);
  }
}
