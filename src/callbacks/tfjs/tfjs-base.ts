/**
 * tfjs's `BaseCallback`, found among the modules the process has loaded, without importing
 * tfjs. `model.fit` treats its `callbacks` list as tfjs callback objects only when the list's
 * first entry is an `instanceof BaseCallback`; otherwise it wraps every entry in a
 * `CustomCallback`, which breaks tfjs's own callbacks (`earlyStopping()` loses its `this`, a
 * `CustomCallback` subclass such as tfjs-node's TensorBoard callback calls itself forever). So
 * the GpuStatsLogger makes itself a `BaseCallback` of the tfjs in use: then a list works in any
 * order with tfjs callbacks, as any tfjs callback does.
 *
 * In Node every tfjs package (`@tensorflow/tfjs`, `-node`, `-node-gpu`) loads tfjs-layers as
 * CommonJS, so it is in the module cache once tfjs is imported. The lookup is lazy: it runs when
 * tfjs asks (`instanceof`), so the logger may be created before tfjs is imported.
 *
 * @module
 */
import { createRequire } from 'node:module';

const LAYERS = /[\\/]@tensorflow[\\/]tfjs-layers[\\/]/;
let found: object | null = null;

/**
 * The prototype of the loaded tfjs's `BaseCallback` (the parent of `tf.Callback`), or null
 * while no tfjs-layers is loaded.
 *
 * @internal
 */
export function tfjsBaseCallbackPrototype(): object | null {
  if (found !== null) return found;
  let cache: NodeJS.Dict<NodeModule>;
  try {
    cache = createRequire(import.meta.url).cache;
  } catch {
    return null;
  }
  for (const [id, loaded] of Object.entries(cache)) {
    if (!LAYERS.test(id)) continue;
    const callback = (loaded?.exports as { Callback?: unknown } | undefined)?.Callback;
    if (typeof callback === 'function' && typeof callback.prototype === 'object' && callback.prototype !== null) {
      const base: unknown = Object.getPrototypeOf(callback.prototype);
      if (typeof base === 'object' && base !== null) {
        found = base;
        return found;
      }
    }
  }
  return null;
}

/**
 * Makes instances of `type` pass `instanceof BaseCallback` of the loaded tfjs: its prototype's
 * parent becomes tfjs's `BaseCallback.prototype` as soon as tfjs is loaded (at once if it is,
 * else through a stand-in parent that looks tfjs up when tfjs itself checks the chain).
 *
 * @internal
 */
export function inheritTfjsBaseCallback(type: { readonly prototype: object }): void {
  const adopt = (): object | null => {
    const base = tfjsBaseCallbackPrototype();
    if (base !== null && Object.getPrototypeOf(type.prototype) !== base) Object.setPrototypeOf(type.prototype, base);
    return base;
  };
  if (adopt() !== null) return;
  const standIn = new Proxy(
    {},
    {
      getPrototypeOf: (): object => adopt() ?? Object.prototype,
    },
  );
  Object.setPrototypeOf(type.prototype, standIn);
}

/**
 * Looks for tfjs again (a logger created before tfjs was imported).
 *
 * @internal
 */
export function refreshTfjsBaseCallback(type: { readonly prototype: object }): void {
  const base = tfjsBaseCallbackPrototype();
  if (base !== null && Object.getPrototypeOf(type.prototype) !== base) Object.setPrototypeOf(type.prototype, base);
}
