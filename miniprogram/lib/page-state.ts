/**
 * The one way a page keeps what the template does not show (full server objects, timers, the map
 * context, a request sequence): a WeakMap keyed by the page instance, so `data` stays small and
 * nothing outlives the page.
 * @example
 * const stateOf = pageState(() => ({ seq: 0, timer: null as number | null }));
 * // in a handler: stateOf(this).seq++
 */
export function pageState<S extends object>(init: () => S): (page: object) => S {
  const states = new WeakMap<object, S>();
  return (page) => {
    let state = states.get(page);
    if (!state) {
      state = init();
      states.set(page, state);
    }
    return state;
  };
}
