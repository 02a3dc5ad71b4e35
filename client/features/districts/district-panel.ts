import { availabilityOf, isAbort, type Availability } from '../../api/http.ts';
import type { Lang } from '../../i18n.ts';
import type { FilterState } from '../../state/filters.ts';
import type { QueryParams } from '../contract.ts';
import type { Discrepancy } from '../discrepancy/discrepancy.api.ts';
import type { ShareRow } from '../surveys/surveys.api.ts';
import { fetchTimePatterns } from '../time-patterns/time-patterns.api.ts';
import type { DistrictStats } from './districts.api.ts';
import {
  discrepancyHtml, renderDistrictNumbers, renderPanelFrame, sectionBody, surveyHtml, topCategoriesHtml, trendHtml, weekdayHourHtml, yearWheelHtml,
  type PanelSection, type SectionState,
} from './districts.panel.ts';

/** What the district panel needs from the composition root. */
export interface PanelHost {
  filters(): FilterState;
  query(): QueryParams;
  stats(): DistrictStats | null;
  /** Data and status of another feature's key (survey shares, discrepancy). */
  data<T>(id: string): T | null;
  status(id: string): Availability;
  policeInitiated(): Set<string>;
  categoryName(code: string): string;
  close(): void;
  /** A request of the panel's own starts (+1) or ends (−1): tests and benchmarks wait for none in flight. */
  pending(delta: number): void;
}

/** Data keys the panel shows even when their layers are off: the root loads them while the panel is open. */
export const PANEL_DATA = ['survey', 'discrepancy'] as const;

/**
 * The side panel of the selected district: numbers from the district statistics, then sections that load on
 * their own (time patterns here; survey and discrepancy from the data slice). Mounted explicitly by main.ts.
 */
export class DistrictPanel {
  private frameFor = '';
  private numbersFor: DistrictStats | null = null;
  private timeFor = '';
  private timeController: AbortController | null = null;
  private sectionsShown = new Map<string, unknown>();

  constructor(private readonly root: HTMLElement, private readonly host: PanelHost) {
    root.addEventListener('click', (event) => {
      if ((event.target as HTMLElement).closest('[data-action="close-panel"]')) host.close();
    });
  }

  /** Whether the panel is open (a district is selected and in the statistics). */
  isOpen(): boolean {
    const id = this.host.filters().selectedDistrict;
    return id !== null && (this.host.stats()?.districts.some((d) => d.id === id) ?? false);
  }

  /** Brings the panel in line with the state; cheap when nothing changed. */
  update(): void {
    const filters = this.host.filters();
    const stats = this.host.stats();
    const stat = stats?.districts.find((d) => d.id === filters.selectedDistrict);
    this.root.hidden = !stat;
    if (!stat || !stats) {
      this.timeController?.abort();
      this.frameFor = this.timeFor = '';
      return;
    }
    const lang = filters.lang;
    const frame = `${stat.id}|${lang}`;
    if (this.frameFor !== frame) {
      this.root.innerHTML = renderPanelFrame(stat, stats, lang);
      this.frameFor = frame;
      this.numbersFor = stats;
      this.timeFor = '';
      this.sectionsShown.clear();
    } else if (this.numbersFor !== stats) {
      this.root.querySelector('[data-part="numbers"]')!.innerHTML = renderDistrictNumbers(stat, stats, lang);
      this.numbersFor = stats;
    }
    const query = this.host.query();
    const timeKey = JSON.stringify([stat.id, query]);
    if (this.timeFor !== timeKey) {
      this.timeFor = timeKey;
      this.loadTime(stat.id, query, lang);
    }
    this.showFromData('survey', lang, (shares: ShareRow[]) => surveyHtml(shares, stat.id, lang));
    this.showFromData('discrepancy', lang, (d: Discrepancy) => discrepancyHtml(d.districts.find((r) => r.district_id === stat.id), d.descriptions, lang));
  }

  private showFromData<T>(section: PanelSection & string, lang: Lang, html: (data: T) => string): void {
    const data = this.host.data<T>(section);
    const status = this.host.status(section);
    const marker = data ?? status;
    if (this.sectionsShown.get(section) === marker) return;
    this.sectionsShown.set(section, marker);
    this.setSection(section, data ? { status: 'ready', html: html(data) } : { status: status === 'ready' ? 'loading' : status }, lang);
  }

  private loadTime(districtId: number, query: QueryParams, lang: Lang): void {
    this.timeController?.abort();
    const controller = new AbortController();
    this.timeController = controller;
    const names: PanelSection[] = ['trend', 'weekday-hour', 'year-wheel', 'categories'];
    names.forEach((n) => this.setSection(n, { status: 'loading' }, lang));
    this.host.pending(+1);
    fetchTimePatterns({ ...query, district: districtId }, controller.signal).then((time) => {
      if (controller.signal.aborted) return;
      this.setSection('trend', { status: 'ready', html: trendHtml(time, lang) }, lang);
      this.setSection('weekday-hour', { status: 'ready', html: weekdayHourHtml(time, lang) }, lang);
      this.setSection('year-wheel', { status: 'ready', html: yearWheelHtml(time, lang) }, lang);
      const top = time.categoryTotals.map((c) => ({ code: c.code, name: this.host.categoryName(c.code), count: c.count }));
      this.setSection('categories', { status: 'ready', html: topCategoriesHtml(top, lang, this.host.policeInitiated()) }, lang);
    }, (error: Error) => {
      if (isAbort(error) || controller.signal.aborted) return;
      names.forEach((n) => this.setSection(n, { status: availabilityOf(error), message: error.message }, lang));
    }).finally(() => this.host.pending(-1));
  }

  private setSection(name: PanelSection, state: SectionState, lang: Lang): void {
    const section = this.root.querySelector<HTMLElement>(`[data-section="${name}"]`);
    if (!section) return;
    section.querySelector('.section-body')!.innerHTML = sectionBody(state, lang);
    section.setAttribute('aria-busy', String(state.status === 'loading'));
    section.dataset.status = state.status;
  }
}
