/** How a device reached the emulator: `securemode` must match it (2 for TLS and wss, 3 for TCP and ws). */
export type Transport = 'mqtt' | 'mqtts' | 'ws' | 'wss';

/** The transports that run over TLS. */
export const TLS_TRANSPORTS: readonly Transport[] = ['mqtts', 'wss'];
