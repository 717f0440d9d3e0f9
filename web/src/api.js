// The public /api/v1, with the API key kept for this browser tab only (sessionStorage).

const KEY = 'skillproof.apiKey';

export function apiKey() {
  return sessionStorage.getItem(KEY) || '';
}

export function setApiKey(value) {
  if (value) sessionStorage.setItem(KEY, value.trim());
  else sessionStorage.removeItem(KEY);
}

/** An error answered by the server ({code, message}) or by the network. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/**
 * Calls the API. `body` objects are sent as JSON; Blobs/ArrayBuffers/strings as given.
 * Returns parsed JSON, or text/Blob when `as` says so.
 */
export async function api(path, { method = 'GET', body, query, accept, as = 'json', signal, contentType } = {}) {
  const url = new URL(`/api/v1${path}`, location.origin);
  for (const [name, value] of Object.entries(query || {})) {
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(name, value);
  }
  const headers = {};
  const key = apiKey();
  if (key) headers.Authorization = `Bearer ${key}`;
  if (accept) headers.Accept = accept;
  let payload = body;
  if (body !== undefined && !(body instanceof Blob) && !(body instanceof ArrayBuffer) && typeof body !== 'string') {
    payload = JSON.stringify(body);
    headers['Content-Type'] = 'application/json';
  } else if (body !== undefined) {
    headers['Content-Type'] = contentType || 'application/octet-stream';
  }
  let response;
  try {
    response = await fetch(url, { method, headers, body: payload, signal });
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    throw new ApiError(0, 'network', 'The server could not be reached. Check your connection and try again.');
  }
  if (!response.ok) {
    let code = `http_${response.status}`;
    let message = response.statusText || 'The request failed.';
    try {
      const error = await response.json();
      code = error.code || code;
      message = error.message || message;
    } catch { /* not JSON */ }
    throw new ApiError(response.status, code, message);
  }
  if (as === 'text') return response.text();
  if (as === 'blob') return response.blob();
  if (as === 'response') return response;
  return response.json();
}

let routesPromise;

/** The set of "METHOD /path" the server serves, from its OpenAPI document. */
export function serverRoutes() {
  routesPromise ??= fetch('/api/v1/openapi.json')
    .then((response) => (response.ok ? response.json() : { paths: {} }))
    .catch(() => ({ paths: {} }))
    .then((doc) => {
      const routes = new Set();
      for (const [path, item] of Object.entries(doc.paths || {})) {
        for (const method of Object.keys(item)) routes.add(`${method.toUpperCase()} ${path}`);
      }
      return routes;
    });
  return routesPromise;
}

/** True when the server has the route (`GET /api/v1/...`). */
export async function hasRoute(route) {
  return (await serverRoutes()).has(route);
}

/** Words for an API error, for people. */
export function explainError(error) {
  if (!(error instanceof ApiError)) return `Something went wrong: ${error.message}`;
  switch (error.code) {
    case 'unauthenticated':
    case 'invalid_api_key':
      return 'This needs a valid API key. Paste your key at the top of the page and choose “Use key”.';
    case 'forbidden':
      return `Your key is not allowed to do this (${error.message}).`;
    case 'rate_limited':
      return 'Too many requests just now. Wait a few seconds and try again.';
    case 'network':
      return error.message;
    default:
      return `${error.message} (${error.code})`;
  }
}

/** Saves a Blob or text as a download. */
export function download(name, data, type = 'text/plain') {
  const blob = data instanceof Blob ? data : new Blob([data], { type });
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}
