// The shell: API key form, navigation between the four pages (hash routes), each page
// loaded on demand so the first page paints without the map and chart libraries.
import './style.css';
import { apiKey, setApiKey } from './api.js';

const PAGES = {
  search: () => import('./pages/search.js'),
  map: () => import('./pages/map.js'),
  institution: () => import('./pages/institution.js'),
  verify: () => import('./pages/verify.js'),
};
const TITLES = {
  search: 'Find candidates',
  map: 'Skills map',
  institution: 'Institution dashboard',
  verify: 'Verify a credential',
};

const main = document.getElementById('main');
let current = null;
let generation = 0;

function showKeyStatus() {
  const status = document.getElementById('key-status');
  status.textContent = apiKey() ? 'Key in use for this tab' : 'No key: public pages only';
}

document.getElementById('key-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = document.getElementById('api-key');
  setApiKey(input.value);
  input.value = '';
  showKeyStatus();
  route();
});

async function route() {
  const name = (location.hash.match(/^#\/([a-z]+)/) || [])[1] || 'search';
  const page = PAGES[name] ? name : 'search';
  const mine = ++generation;
  for (const link of document.querySelectorAll('nav a')) {
    if (link.dataset.page === page) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  document.title = `${TITLES[page]} · skillproof`;
  if (current?.unmount) current.unmount();
  current = null;
  let module;
  try {
    module = await PAGES[page]();
  } catch (error) {
    main.replaceChildren(Object.assign(document.createElement('p'), {
      className: 'notice error', textContent: `This page could not be loaded: ${error.message}`,
    }));
    return;
  }
  if (mine !== generation) return;
  const root = document.createElement('div');
  root.className = `page page-${page}`;
  main.replaceChildren(root);
  current = module.mount(root) || null;
  if (document.activeElement === document.body && location.hash) main.focus({ preventScroll: true });
}

window.addEventListener('hashchange', route);
showKeyStatus();
route();
