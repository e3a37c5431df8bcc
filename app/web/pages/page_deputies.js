// 代表: the register of deputies, with search and the form to register one.
import { html } from './preact.js';
import { t } from './i18n.js';
import { Page } from './ui.js';
import { Register } from './records.js';

export function DeputiesPage({ ctx }) {
  return html`<${Page} title=${t('nav.deputies')}>
    <${Register} ctx=${ctx} kind="deputy" route="deputies" columns=${['gender', 'level', 'group']} />
  </${Page}>`;
}
