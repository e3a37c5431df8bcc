// Which module shows which #/ route, and the navigation bar.
import { HomePage } from './page_home.js';
import { DeputiesPage } from './page_deputies.js';
import { DeputyPage } from './page_deputy.js';
import { StationsPage } from './page_stations.js';
import { StationPage } from './page_station.js';
import { SuggestionsPage } from './page_suggestions.js';
import { SuggestionPage } from './page_suggestion.js';
import { EntryPage } from './page_entry.js';
import { IssuesPage } from './page_issues.js';
import { ConflictsPage } from './page_conflicts.js';
import { SyncPage } from './page_sync.js';
import { DashboardPage } from './page_dashboard.js';
import { ReportsPage } from './page_reports.js';
import { NotFoundPage } from './page_not_found.js';
import { html } from './preact.js';

// #/deputies and #/deputies/REF share a first part; the page module picks.
const oneOrMany = (many, one) => ({ ctx }) =>
  html`<${ctx.route.parts.length > 1 ? one : many} ctx=${ctx} />`;

export const routes = {
  home: HomePage,
  deputies: oneOrMany(DeputiesPage, DeputyPage),
  stations: oneOrMany(StationsPage, StationPage),
  suggestions: oneOrMany(SuggestionsPage, SuggestionPage),
  entry: EntryPage,
  issues: IssuesPage,
  conflicts: ConflictsPage,
  sync: SyncPage,
  dashboard: DashboardPage,
  reports: ReportsPage,
  notFound: NotFoundPage,
};

export function navItems() {
  return [
    { path: 'home', key: 'nav.home' },
    { path: 'deputies', key: 'nav.deputies' },
    { path: 'stations', key: 'nav.stations' },
    { path: 'suggestions', key: 'nav.suggestions' },
    { path: 'entry', key: 'nav.entry' },
    { path: 'issues', key: 'nav.issues' },
    { path: 'conflicts', key: 'nav.conflicts' },
    { path: 'sync', key: 'nav.sync' },
    { path: 'dashboard', key: 'nav.dashboard' },
    { path: 'reports', key: 'nav.reports' },
  ];
}
