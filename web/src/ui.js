// Small DOM helpers shared by the pages.

/** Creates an element: h('p', {className: 'x'}, 'text', child…). */
export function h(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') node.addEventListener(name.slice(2), value);
    else if (name === 'dataset') Object.assign(node.dataset, value);
    else if (name in node && !name.includes('-') && name !== 'list') node[name] = value;
    else node.setAttribute(name, value === true ? '' : value);
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
}

/** A notice box: kind is info, error, unavailable or ok. */
export function notice(kind, ...children) {
  return h('div', { className: `notice ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, ...children);
}

/** The clear "this is not on this server yet" state of a page or panel. */
export function unavailable(what, route) {
  return notice('unavailable',
    h('strong', {}, `${what} is not available on this server yet.`),
    ' ',
    `The server does not offer ${route}. The rest of the application works; this part lights up once the server is updated.`);
}

export function formatNumber(value, digits = 0) {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  return Number(value).toLocaleString('en-CA', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

export function formatDate(text) {
  if (!text) return '—';
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) return text;
  return date.toLocaleDateString('en-CA', { year: 'numeric', month: 'short', day: 'numeric' });
}

/** Turns snake_case codes into words: "key_binding" → "key binding". */
export function words(code) {
  return String(code ?? '').replaceAll('_', ' ');
}

/** Debounces a function. */
export function debounce(fn, ms) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

/** Rows to CSV text (RFC 4180 quoting). */
export function csv(rows) {
  return rows.map((row) => row.map((cell) => {
    const text = cell === null || cell === undefined ? '' : String(cell);
    return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  }).join(',')).join('\r\n') + '\r\n';
}
