// 家站: the register of stations (代表之家 / 代表联络站).
import { html } from './preact.js';
import { t } from './i18n.js';
import { Page } from './ui.js';
import { Register } from './records.js';

export function StationsPage({ ctx }) {
  return html`<${Page} title=${t('nav.stations')}>
    <${Register} ctx=${ctx} kind="station" route="stations" columns=${['kind', 'address', 'receptionSchedule']} />
  </${Page}>`;
}
