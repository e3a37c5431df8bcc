// The pages' words: Simplified Chinese by default, English when chosen (kept
// in localStorage), from the one string table the CLI uses too
// (app/i18n/strings.tsv, served by GET /api/strings). A page asks for
// t('home.monthDuty') and gets the table's web.home.month-duty, with {1},
// {2}, ... replaced by the arguments.

const kStorageKey = 'renda.lang';
let lang = localStorage.getItem(kStorageKey) === 'en' ? 'en' : 'zh';
let table = {};

export function currentLang() { return lang; }

// The table's web.* texts in `wanted` from its TSV (key, zh, en): the
// binary's copy, for when GET /api/strings cannot answer.
function parseTable(tsv, wanted) {
  const out = {};
  const unescape = (s) => s.replace(/\\(n|t|\\)/g, (m, c) => (c === 'n' ? '\n' : c === 't' ? '\t' : '\\'));
  for (const line of tsv.split('\n')) {
    if (!line.startsWith('web.')) continue;
    const [key, zh, en] = line.split('\t');
    out[key] = unescape(wanted === 'en' ? en : zh);
  }
  return out;
}

async function fetchTable(wanted) {
  try {
    const r = await fetch(`/api/strings?lang=${wanted}`, { credentials: 'same-origin' });
    if (r.ok) return (await r.json()).strings || {};
    const file = await fetch('/assets/strings.tsv');
    if (file.ok) return parseTable(await file.text(), wanted);
  } catch (e) {
    // fall through: the keys themselves are shown
  }
  return {};
}

export async function loadStrings(wanted) {
  lang = wanted === 'en' ? 'en' : 'zh';
  localStorage.setItem(kStorageKey, lang);
  document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';
  table = await fetchTable(lang);
}

// The text for `key`, with {1}, {2}, ... replaced by `args`.
export function t(key, ...args) {
  const full = `web.${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  let text = table[full] ?? key;
  args.forEach((a, i) => { text = text.split(`{${i + 1}}`).join(String(a)); });
  return text;
}
