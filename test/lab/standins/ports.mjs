// Published ports as `docker run -p` and compose `ports:` write them, reduced to what the responder
// needs: [{ bind, host, container }]. Container-only ports (nothing published) and UDP are left out.

/** "8000:8000", "127.0.0.1:3001:3001", "80:80/tcp", "8000-8001:8000-8001". */
export function parsePortSpec(spec) {
  const [mapping, protocol = 'tcp'] = String(spec).split('/');
  if (protocol !== 'tcp') return [];
  const parts = mapping.split(':');
  if (parts.length < 2) return [];
  const container = parts.pop();
  const host = parts.pop();
  const bind = parts.length > 0 ? parts.join(':').replace(/^\[|\]$/g, '') : '0.0.0.0';
  if (!host) return [];
  const [hostFrom, hostTo = hostFrom] = host.split('-').map(Number);
  const [containerFrom] = container.split('-').map(Number);
  const ports = [];
  for (let port = hostFrom; port <= hostTo; port += 1) ports.push({ bind, host: port, container: containerFrom + (port - hostFrom) });
  return ports;
}

/** A compose `ports:` entry: short string/number or long syntax { target, published, host_ip, protocol }. */
export function parseComposePort(entry) {
  if (typeof entry === 'object' && entry !== null) {
    if (entry.published === undefined || (entry.protocol ?? 'tcp') !== 'tcp') return [];
    return parsePortSpec(`${entry.host_ip ? `${entry.host_ip}:` : ''}${entry.published}:${entry.target}`);
  }
  return parsePortSpec(entry);
}

export const describePorts = (ports) => ports.map((p) => `${p.bind}:${p.host}->${p.container}/tcp`).join(', ');
