import './reports.css';
import { ApiError } from '../../api/http.ts';
import { t, type Lang } from '../../i18n.ts';
import type { PanelContext, PanelModule } from '../contract.ts';
import { download } from '../exports/exports.ts';
import { fetchReportPdf, fetchReportPreview, fetchReportVersions, publishReport, type ReportContent } from './reports.api.ts';
import { defaultYear, previewSectionsHtml, reportPageHtml, reportRouteOf, statementHtml, versionsHtml } from './reports.view.ts';


/**
 * The annual situation picture (SPEC §7): pick the year, read the preview built for your role, write the
 * introduction and conclusion around it, publish a version (kept unchanged) and download its PDF; earlier
 * versions stay listed for download. Opened by the location hash (#report or #report/<year>).
 */
export const reportsPage: PanelModule = {
  id: 'reports',
  mount(ctx: PanelContext) {
    const lang = (): Lang => ctx.lang();
    const open = document.createElement('a');
    open.id = 'report-open';
    open.href = '#report';
    open.className = 'rp-open';
    open.textContent = t(lang(), 'rp_open');
    ctx.topbar.insertBefore(open, ctx.topbar.querySelector('#auth'));
    const root = document.createElement('div');
    root.id = 'report';
    root.className = 'rp-root';
    root.hidden = true;
    root.setAttribute('role', 'dialog');
    root.setAttribute('aria-label', t(lang(), 'rp_title'));
    document.body.append(root);

    // Drafts live as long as the page: switching the year or leaving and coming back keeps what was written.
    const texts = { introduction: '', conclusion: '' };
    let year = defaultYear();
    let content: ReportContent | null = null;
    let generation = 0;
    const region = (name: string) => root.querySelector<HTMLElement>(`[data-region="${name}"]`);
    const setStatus = (text: string, error = false) => {
      const el = region('status');
      if (!el) return;
      el.textContent = text;
      el.className = error ? 'rp-error' : '';
    };
    const messageOf = (error: unknown) => {
      const status = error instanceof ApiError ? error.status : 0;
      return status === 401 ? t(lang(), 'rp_signIn') : status === 403 ? t(lang(), 'rp_noAccess') : (error as Error).message;
    };
    const municipality = () => ctx.municipality();

    async function refreshVersions(): Promise<void> {
      const code = municipality();
      if (!code) return;
      const versions = await fetchReportVersions(code, year);
      region('versions')!.innerHTML = versionsHtml(versions, lang());
    }

    async function show(): Promise<void> {
      const route = reportRouteOf(location.hash);
      const mine = ++generation;
      if (!route) {
        root.hidden = true;
        return;
      }
      document.body.dataset.reportReady = 'false';
      year = route.year ?? year;
      root.hidden = false;
      root.innerHTML = reportPageHtml(year, texts, lang());
      region('preview')!.innerHTML = `<p class="rp-muted">${t(lang(), 'rp_loading')}</p>`;
      try {
        // The municipality is known once the map's first request answered; the page may open before that.
        while (!municipality()) await new Promise((r) => setTimeout(r, 100));
        const [preview] = await Promise.all([fetchReportPreview(municipality()!, year), refreshVersions()]);
        if (mine !== generation) return;
        content = preview;
        region('statement')!.innerHTML = statementHtml(preview, lang());
        region('preview')!.innerHTML = previewSectionsHtml(preview, lang());
      } catch (error) {
        if (mine !== generation) return;
        content = null;
        region('preview')!.innerHTML = `<p class="rp-error" role="alert">${messageOf(error)}</p>`;
        root.querySelector<HTMLButtonElement>('[data-action="publish"]')!.disabled = true;
      } finally {
        if (mine === generation) document.body.dataset.reportReady = 'true';
      }
    }

    async function publish(button: HTMLButtonElement): Promise<void> {
      const code = municipality();
      if (!code || !content) return;
      button.disabled = true;
      button.textContent = t(lang(), 'rp_publishing');
      setStatus('');
      document.body.dataset.reportPublishing = 'true';
      try {
        const { id, version } = await publishReport({ municipality: code, year, introduction: texts.introduction, conclusion: texts.conclusion });
        setStatus(t(lang(), 'rp_published').replace('{v}', String(version)));
        await refreshVersions();
        download(`lagesbild-${code}-${year}-v${version}.pdf`, await fetchReportPdf(id));
      } catch (error) {
        setStatus(messageOf(error), true);
      } finally {
        button.disabled = false;
        button.textContent = t(lang(), 'rp_publish');
        document.body.dataset.reportPublishing = 'false';
      }
    }

    root.addEventListener('input', (event) => {
      const target = event.target as HTMLTextAreaElement;
      if (target.name === 'introduction' || target.name === 'conclusion') texts[target.name] = target.value;
    });
    root.addEventListener('change', (event) => {
      const target = event.target as HTMLSelectElement;
      if (target.name === 'year') location.hash = `#report/${target.value}`;
    });
    root.addEventListener('click', (event) => {
      const target = (event.target as HTMLElement).closest<HTMLElement>('[data-action]');
      if (!target) return;
      const action = target.dataset.action;
      if (action === 'leave') {
        event.preventDefault();
        history.pushState(null, '', location.pathname + location.search);
        void show();
      } else if (action === 'publish') {
        void publish(target as HTMLButtonElement);
      } else if (action === 'pdf') {
        const id = Number(target.dataset.id);
        fetchReportPdf(id).then((blob) => download(`lagesbild-${municipality()}-${year}-${id}.pdf`, blob), (error) => setStatus(messageOf(error), true));
      }
    });
    window.addEventListener('hashchange', () => void show());
    void show();
  },
};
