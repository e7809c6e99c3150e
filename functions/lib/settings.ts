/**
 * Deployment settings (environment variables of a cloud function) that an action needs.
 *
 * A missing or malformed setting must not take a whole function down: the action that needs it
 * answers FAILED_PRECONDITION naming the variable (serve maps a SettingError so), and every other
 * action of the function keeps working.
 */
export class SettingError extends Error {
  /** `reason`: the contract's reason for the refusal, when it has one (`LOCK_FAILED`). */
  constructor(
    message: string,
    readonly reason?: string,
  ) {
    super(message);
    this.name = 'SettingError';
  }
}

/**
 * A value made from settings on first use and kept; whatever its reader throws becomes a
 * SettingError with the reader's message (the readers name the variable: "NEARBY_TARIFF_UNIT_SEC must be ...").
 */
export function fromSettings<T>(read: () => T): () => T {
  let made: { value: T } | undefined;
  return () => {
    if (made) return made.value;
    try {
      made = { value: read() };
    } catch (err) {
      if (err instanceof SettingError) throw err;
      throw new SettingError(err instanceof Error ? err.message : String(err));
    }
    return made.value;
  };
}

/**
 * Reads the named dependencies now, so that one resting on a missing setting refuses the call
 * before anything is written (an unlock must not reserve a bike for a lock that is not there).
 */
export function settled<D extends object>(deps: D, ...keys: Array<keyof D>): D {
  for (const key of keys) void deps[key];
  return deps;
}

/**
 * An object whose properties are made on first read (each a `fromSettings` value): the ports of a
 * function where one port's missing setting must not stop the others.
 */
export function lazily<D extends object>(makers: { [K in keyof D]: () => D[K] }): D {
  const out = {} as D;
  for (const key of Object.keys(makers) as Array<keyof D>) {
    const get = fromSettings(makers[key]);
    Object.defineProperty(out, key, { get, enumerable: true });
  }
  return out;
}
