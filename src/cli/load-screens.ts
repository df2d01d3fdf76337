/**
 * Loads a module of the Ink screens. Ink's layout engine (yoga) decodes the WebAssembly it carries inline
 * through `fetch` when that global is a function: in Node 20 the first call of `fetch` loads undici, some
 * 70 ms before the first frame can be drawn. While the screens load there is no `fetch`, so yoga decodes it
 * in place (its Emscripten loader's fallback); the global is put back, as it was, once they are loaded.
 */
export async function loadScreens<T>(load: () => Promise<T>): Promise<T> {
  const fetchGlobal = Object.getOwnPropertyDescriptor(globalThis, 'fetch');
  const hidden = fetchGlobal?.configurable === true && Reflect.deleteProperty(globalThis, 'fetch');
  try {
    return await load();
  } finally {
    if (hidden && fetchGlobal) Object.defineProperty(globalThis, 'fetch', fetchGlobal);
  }
}
