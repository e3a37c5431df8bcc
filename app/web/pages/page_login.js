// Sign-in: POST /api/login; the API's refusal (wrong password, too many
// tries, no accounts yet) is shown as it words it.
import { html, useState } from './preact.js';
import { api } from './api.js';
import { t } from './i18n.js';
import { ErrorBox } from './ui.js';

export function LoginPage({ onSignedIn, lang, setLang }) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await api.post('/api/login', { name, password }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return html`<div class="login">
    <form onSubmit=${submit} class="login-box">
      <h1>${t('app.name')}</h1>
      <p class="sub">${t('login.sub')}</p>
      <label for="name">${t('login.name')}</label>
      <input id="name" autocomplete="username" value=${name} onInput=${(e) => setName(e.target.value)} autofocus />
      <label for="password">${t('login.password')}</label>
      <input id="password" type="password" autocomplete="current-password" value=${password}
        onInput=${(e) => setPassword(e.target.value)} />
      <${ErrorBox} error=${error} />
      <button type="submit" disabled=${busy}>${busy ? t('login.busy') : t('login.submit')}</button>
      <button type="button" class="link" id="lang" onClick=${() => setLang(lang === 'en' ? 'zh' : 'en')}>${t('lang.switch')}</button>
    </form>
  </div>`;
}
