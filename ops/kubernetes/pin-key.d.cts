/** See pin-key.cjs. */
export declare function pinKey(pin: unknown): string;
