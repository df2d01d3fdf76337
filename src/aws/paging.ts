/** Send options carrying the run's AbortSignal, when there is one. */
export function sendOptions(signal?: AbortSignal): { abortSignal?: AbortSignal } {
  return signal ? { abortSignal: signal } : {};
}

/** Every page of a paginated describe/list, in order. */
export async function allPages<T>(page: (nextToken: string | undefined) => Promise<{ items: T[]; nextToken?: string }>): Promise<T[]> {
  const all: T[] = [];
  let token: string | undefined;
  do {
    const { items, nextToken } = await page(token);
    all.push(...items);
    token = nextToken;
  } while (token);
  return all;
}
