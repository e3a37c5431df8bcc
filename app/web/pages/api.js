// The JSON API (docs/api.md) as the pages use it: every call carries the
// session's CSRF token on writes and the page's language (X-Renda-Lang: en
// when the English switch is on), and every failure becomes an ApiError whose
// message is the API's own words in that language, ready to show.
import { t, currentLang } from './i18n.js';

let csrfToken = '';
let onSignedOut = () => {};

export function setCsrf(token) { csrfToken = token || ''; }
export function whenSignedOut(fn) { onSignedOut = fn; }

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.error) || t('err.status', status));
    this.status = status;
    this.code = (body && body.code) || '';
    this.field = (body && body.field) || '';
    this.choices = (body && body.choices) || [];
  }
}

// "/api/x" plus the query's non-empty values.
export function withQuery(path, query) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query || {}))
    if (v !== undefined && v !== null && v !== '' && v !== false) q.set(k, v === true ? '1' : v);
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

// The page's language for the API's errors: Chinese unless asked otherwise.
function langHeaders(headers) {
  if (currentLang() === 'en') headers['X-Renda-Lang'] = 'en';
  return headers;
}

async function call(method, path, body) {
  const headers = langHeaders({});
  if (method !== 'GET') headers['X-CSRF-Token'] = csrfToken;
  const init = { method, headers, credentials: 'same-origin' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, { error: t('err.network') });
  }
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
  if (!response.ok) {
    const err = new ApiError(response.status, data);
    if (response.status === 401 && path !== '/api/login') onSignedOut();
    throw err;
  }
  return data;
}

export const api = {
  get: (path, query) => call('GET', withQuery(path, query)),
  post: (path, body) => call('POST', path, body === undefined ? {} : body),
  put: (path, body) => call('PUT', path, body),
  del: (path) => call('DELETE', path),
};

// Uploads `file` with XHR so that its progress can be shown: onProgress(0..1).
export function upload(path, file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.setRequestHeader('X-CSRF-Token', csrfToken);
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    for (const [name, value] of Object.entries(langHeaders({}))) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
    xhr.onload = () => {
      let data = null;
      try { data = JSON.parse(xhr.responseText); } catch (e) { data = null; }
      if (xhr.status >= 200 && xhr.status < 300) resolve(data);
      else reject(new ApiError(xhr.status, data));
    };
    xhr.onerror = () => reject(new ApiError(0, { error: t('err.network') }));
    xhr.send(file);
  });
}

// Polls GET /api/jobs/ID until the job is done or failed; onUpdate(job) each time.
export async function followJob(id, onUpdate) {
  for (;;) {
    const job = await api.get(`/api/jobs/${encodeURIComponent(id)}`);
    onUpdate(job);
    if (job.state !== 'running') return job;
    await new Promise((r) => setTimeout(r, 400));
  }
}
