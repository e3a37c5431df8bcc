// The pages' words: Simplified Chinese by default, English when chosen (kept
// in localStorage). The table is the one the CLI uses (GET /api/strings);
// keys this page knows but the server's table lacks fall back to LOCAL.
import { LOCAL } from './strings.js';

const kStorageKey = 'renda.lang';
let lang = localStorage.getItem(kStorageKey) === 'en' ? 'en' : 'zh';
let table = {};

export function currentLang() { return lang; }

export async function loadStrings(wanted) {
  lang = wanted === 'en' ? 'en' : 'zh';
  localStorage.setItem(kStorageKey, lang);
  document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';
  table = {};
  try {
    const r = await fetch(`/api/strings?lang=${lang}`, { credentials: 'same-origin' });
    if (r.ok) table = (await r.json()).strings || {};
  } catch (e) {
    table = {};
  }
}

// The text for `key`, with {0}, {1}, ... replaced by `args`.
export function t(key, ...args) {
  const web = `web.${key}`;
  let text = table[web] ?? (LOCAL[key] ? LOCAL[key][lang === 'en' ? 1 : 0] : key);
  args.forEach((a, i) => { text = text.split(`{${i}}`).join(String(a)); });
  return text;
}
