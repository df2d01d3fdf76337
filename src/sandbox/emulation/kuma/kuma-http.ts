/**
 * Uptime Kuma 1.23's plain HTTP routes the runbook's checks use (server/routers/api-router.js's
 * `/api/entry-page`, the root's redirect to the dashboard, the single-page app elsewhere). Kept apart from
 * the socket.io stand-in so a simulated host answers curl without loading socket.io.
 */
/** Kuma's plain HTTP routes the runbook's checks use (api-router.js's entry page, the root redirect). */
export function kumaHttpAnswer(path: string): { status: number; body: string; headers: Record<string, string> } {
  if (path.split('?')[0] === '/api/entry-page') return { status: 200, body: JSON.stringify({ type: 'entryPage', entryPage: 'dashboard' }), headers: { 'content-type': 'application/json; charset=utf-8' } };
  if (path === '/' || path.startsWith('/?')) return { status: 302, body: 'Found. Redirecting to /dashboard', headers: { location: '/dashboard', 'content-type': 'text/plain; charset=utf-8' } };
  return { status: 200, body: '<!DOCTYPE html><html lang="en"><head><title>Uptime Kuma</title></head><body><div id="app"></div></body></html>', headers: { 'content-type': 'text/html; charset=utf-8' } };
}
