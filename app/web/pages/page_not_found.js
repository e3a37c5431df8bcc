import { html } from './preact.js';
import { t } from './i18n.js';
import { Page } from './ui.js';

export function NotFoundPage() {
  return html`<${Page} title=${t('notFound.title')}><p>${t('notFound.body')} <a href="#/home">${t('nav.home')}</a></p></${Page}>`;
}
