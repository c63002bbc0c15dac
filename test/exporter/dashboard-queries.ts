// Reads the PromQL expressions of grafana/dashboard.json and the metric names they select.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { ROOT } from '../helpers/exporter-process.js';

export const GRAFANA_DIR = join(ROOT, 'grafana');

export interface DashboardQuery {
  readonly where: string;
  readonly expr: string;
  /** The title of the row the panel is under (`''` before the first row and for variables). */
  readonly row: string;
}

interface Panel {
  readonly title?: string;
  readonly type?: string;
  readonly panels?: Panel[];
  readonly targets?: Array<{ expr?: string; refId?: string }>;
}

/** Every `expr` of every panel target and every query variable of the dashboard. */
export function dashboardQueries(file = join(GRAFANA_DIR, 'dashboard.json')): DashboardQuery[] {
  const dashboard = JSON.parse(readFileSync(file, 'utf8')) as {
    panels?: Panel[];
    templating?: { list?: Array<{ name: string; type: string; query?: string | { query?: string } }> };
  };
  const out: DashboardQuery[] = [];
  let row = '';
  const visit = (panels: readonly Panel[] | undefined) => {
    for (const panel of panels ?? []) {
      if (panel.type === 'row') row = panel.title ?? '';
      for (const target of panel.targets ?? []) if (target.expr) out.push({ where: `${panel.title} ${target.refId}`, expr: target.expr, row });
      visit(panel.panels);
    }
  };
  visit(dashboard.panels);
  for (const variable of dashboard.templating?.list ?? []) {
    if (variable.type !== 'query') continue;
    const query = typeof variable.query === 'string' ? variable.query : variable.query?.query;
    if (query) out.push({ where: `variable ${variable.name}`, expr: query, row: '' });
  }
  return out;
}

const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset', 'inf', 'nan']);

/** The metric names a PromQL expression (or a Grafana `label_values(...)` query) selects. */
export function metricNames(expr: string): string[] {
  let text = expr.replace(/label_values\(\s*([^,()]*(?:\{[^}]*\})?)\s*,\s*\w+\s*\)/g, ' $1 ');
  text = text.replace(/label_values\(\s*\w+\s*\)/g, ' ');
  text = text.replace(/"(?:[^"\\]|\\.)*"/g, '""'); // strings
  text = text.replace(/\{[^}]*\}/g, ' '); // label matchers
  text = text.replace(/\[[^\]]*\]/g, ' '); // ranges
  text = text.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' '); // grouping labels
  const names: string[] = [];
  for (const match of text.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const after = text.slice((match.index ?? 0) + match[0].length).trimStart();
    if (after.startsWith('(')) continue; // a function or aggregation
    if (KEYWORDS.has(match[0].toLowerCase())) continue;
    names.push(match[0]);
  }
  return names;
}

/** A dashboard expression with Grafana's variables replaced so Prometheus can evaluate it. */
export function concrete(expr: string): string {
  return expr.replace(/\$__rate_interval/g, '1m').replace(/\$hostname/g, '.*').replace(/\$username/g, '.*').replace(/\$namespace/g, '.*');
}
