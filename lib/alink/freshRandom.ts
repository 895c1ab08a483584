/** 16 random hex digits, from Web Crypto (Node's and a browser's alike). */
export const freshRandom = (): string =>
  Array.from(globalThis.crypto.getRandomValues(new Uint8Array(8)), (byte) =>
    byte.toString(16).padStart(2, '0'),
  ).join('');
