/**
 * Octostache's UriPart filter (`#{Url | UriPart Host}`): one part of an absolute URI, named like the
 * properties of .NET's System.Uri. Read with the WHATWG URL parser; the differences from System.Uri
 * that matter to templates (default ports, file paths) are handled here.
 */

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443, 'ftp:': 21, 'ws:': 80, 'wss:': 443, 'ldap:': 389, 'file:': -1 };

function portOf(url: URL): number {
  if (url.port !== '') return Number(url.port);
  return DEFAULT_PORTS[url.protocol] ?? -1;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** The part of `value` named by `part` (case-insensitive); null for a relative URI or an unknown part. */
export function uriPart(value: string, part: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  const host = url.hostname;
  const unescaped = (text: string) => {
    try {
      return decodeURIComponent(text);
    } catch {
      return text;
    }
  };
  switch (part.toLowerCase()) {
    case 'absolutepath':
      return url.pathname;
    case 'absoluteuri':
      return url.href;
    case 'authority':
      return url.host;
    case 'dnssafehost':
      return host.replace(/^\[|\]$/g, '');
    case 'fragment':
      return url.hash;
    case 'host':
      return host;
    case 'hostandport':
      return `${host}${portOf(url) === -1 ? '' : `:${portOf(url)}`}`;
    case 'isabsoluteuri':
      return 'true';
    case 'isdefaultport':
      return String(url.port === '');
    case 'isfile':
      return String(url.protocol === 'file:');
    case 'isloopback':
      return String(isLoopback(host));
    case 'isunc':
      return String(url.protocol === 'file:' && host !== '');
    case 'path':
      // System.Uri.LocalPath: a UNC path for file://server/share, otherwise the unescaped path.
      if (url.protocol === 'file:' && host !== '') return `\\\\${host}${unescaped(url.pathname).replace(/\//g, '\\')}`;
      if (url.protocol === 'file:' && /^\/[A-Za-z]:/.test(url.pathname)) return unescaped(url.pathname.slice(1)).replace(/\//g, '\\');
      return unescaped(url.pathname);
    case 'pathandquery':
      return `${url.pathname}${url.search}`;
    case 'port':
      return String(portOf(url));
    case 'query':
      return url.search;
    case 'scheme':
      return url.protocol.slice(0, -1);
    case 'schemeandserver':
      return `${url.protocol}//${url.host}`;
    case 'userinfo':
      return url.username || url.password ? `${unescaped(url.username)}${url.password ? `:${unescaped(url.password)}` : ''}` : '';
    default:
      return null;
  }
}
