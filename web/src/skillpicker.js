// A skill autocomplete (ARIA combobox over GET /skills?q=) that turns choices into chips
// marked must / should / must not.
import { api } from './api.js';
import { debounce, h } from './ui.js';

export const IMPORTANCE = { must: 'Must have', should: 'Nice to have', must_not: 'Must not have' };

let comboCount = 0;

/**
 * A combobox input. `onPick({id, label})` is called with the chosen suggestion (or, on
 * Enter with no suggestion highlighted, with the typed words as the label and no id).
 */
export function skillCombo({ id, label, onPick, placeholder = 'Start typing a skill…' }) {
  const listId = `${id}-list-${++comboCount}`;
  const input = h('input', {
    type: 'text', id, autocomplete: 'off', role: 'combobox', 'aria-autocomplete': 'list',
    'aria-expanded': 'false', 'aria-controls': listId, placeholder,
  });
  const list = h('ul', { id: listId, role: 'listbox', hidden: true, 'aria-label': `${label} suggestions` });
  let options = [];
  let active = -1;
  let controller;

  function close() {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  }
  function highlight(index) {
    active = index;
    [...list.children].forEach((node, i) => node.setAttribute('aria-selected', String(i === index)));
    if (index >= 0) input.setAttribute('aria-activedescendant', `${listId}-${index}`);
  }
  function pick(choice) {
    onPick(choice);
    input.value = '';
    close();
  }
  const lookup = debounce(async () => {
    const q = input.value.trim();
    if (q.length < 2) return close();
    controller?.abort();
    controller = new AbortController();
    try {
      const found = await api('/skills', { query: { q, limit: 8 }, signal: controller.signal });
      options = found.skills || [];
    } catch {
      options = [];
    }
    list.replaceChildren(...options.map((option, i) => h('li', {
      id: `${listId}-${i}`, role: 'option', 'aria-selected': 'false',
      onmousedown: (event) => { event.preventDefault(); pick(option); },
    }, option.label, h('span', { className: 'opt-id' }, `${option.kind || 'skill'} · ${option.id}`))));
    list.hidden = options.length === 0;
    input.setAttribute('aria-expanded', String(!list.hidden));
    active = -1;
  }, 150);

  input.addEventListener('input', lookup);
  input.addEventListener('blur', () => setTimeout(close, 100));
  input.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown' && options.length) {
      event.preventDefault();
      if (list.hidden) { list.hidden = false; input.setAttribute('aria-expanded', 'true'); }
      highlight((active + 1) % options.length);
    } else if (event.key === 'ArrowUp' && options.length) {
      event.preventDefault();
      highlight((active - 1 + options.length) % options.length);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      if (active >= 0 && !list.hidden) pick(options[active]);
      else if (input.value.trim()) pick({ id: null, label: input.value.trim() });
    } else if (event.key === 'Escape') {
      close();
    }
  });
  return h('div', { className: 'combo' }, h('label', { for: id }, label), input, list);
}

/** Chips of chosen skills; each can be removed with its button. */
export function chipList(items, onRemove) {
  return h('ul', { className: 'chips', 'aria-label': 'Chosen skills' }, items.map((item, index) => h('li', {
    className: `chip chip-${item.importance}`,
  },
  h('span', { className: 'chip-tag' }, item.importance === 'must_not' ? 'not' : item.importance),
  h('span', {}, item.label),
  h('button', { type: 'button', 'aria-label': `Remove ${item.label}`, onclick: () => onRemove(index) }, '×'))));
}
