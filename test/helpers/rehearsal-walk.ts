import type { ScreenHandle } from '../screens/helpers/render-screen.js';

/**
 * A new user's walk through the guided TUI with Enter alone: Welcome → Overview, then for each section
 * Enter (open the next one) and Enter (confirm), until the app shows the Summary. Returns how many sections
 * were confirmed. Throws on a Failure screen.
 */
export async function walkWithEnter(screen: ScreenHandle, options: { stepTimeoutMs?: number } = {}): Promise<number> {
  const timeout = options.stepTimeoutMs ?? 120_000;
  await screen.waitForFrame('Enter overview', 30_000);
  await screen.press('enter');
  for (let confirmed = 0; ; confirmed += 1) {
    const frame = await screen.waitForFrame((f) => /next: /.test(f) || /^─ Summary /m.test(f), timeout);
    if (/^─ Summary /m.test(frame)) return confirmed;
    if (confirmed > 20) throw new Error('the walk does not end: more than 20 sections confirmed');
    await screen.press('enter');
    await screen.waitForFrame(/y\/Enter/, timeout);
    await screen.press('enter');
    const after = await screen.waitForFrame((f) => /^─ (Overview|Summary|Failure) /m.test(f), timeout);
    if (/^─ Failure /m.test(after)) throw new Error(`the walk stopped on a failure:\n${after}`);
  }
}
