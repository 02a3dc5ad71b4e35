import './meetings.css';
import { t, type Lang } from '../../i18n.ts';
import { ApiError } from '../../api/http.ts';
import { closeMeeting, fetchCouncils, fetchMeeting, fetchMeetings, fetchSituation, recordPriority, type Meeting, type Situation } from './meetings.api.ts';
import { meetingListHtml, meetingPageHtml, minutesHtml, slideHtml, slidesOf, stepAgenda } from './meetings.view.ts';

type Route = { page: 'none' } | { page: 'list'; council: number | null } | { page: 'meeting' | 'minutes'; id: number } | { page: 'present'; id: number; slide: number };

/** Parses the location hash: #meetings[/council], #meeting/<id>, #present/<id>[/<slide>], #minutes/<id>. */
export function routeOf(hash: string): Route {
  const [head, a, b] = hash.replace(/^#/, '').split('/');
  const n = (v: string | undefined) => (v && /^\d{1,15}$/.test(v) ? Number(v) : null);
  if (head === 'meetings') return { page: 'list', council: n(a) };
  if ((head === 'meeting' || head === 'minutes') && n(a) !== null) return { page: head, id: n(a)! };
  if (head === 'present' && n(a) !== null) return { page: 'present', id: n(a)!, slide: n(b) ?? 0 };
  return { page: 'none' };
}

/**
 * Council meetings over the map: the councils and their meetings, a meeting page (priorities, close),
 * a presentation mode for the big screen (arrows step the agenda, Esc leaves) and printable minutes.
 * Everything is driven by the location hash so a meeting can be linked and reopened exactly.
 */
export function mountMeetings(topbar: HTMLElement): void {
  const lang = (): Lang => (document.documentElement.lang === 'en' ? 'en' : 'sv');
  const open = document.createElement('a');
  open.id = 'meetings-open';
  open.href = '#meetings';
  open.className = 'mt-open';
  open.textContent = t(lang(), 'mt_meetings');
  topbar.insertBefore(open, topbar.querySelector('#auth'));
  const root = document.createElement('div');
  root.id = 'meetings';
  root.className = 'mt-root';
  root.hidden = true;
  root.setAttribute('role', 'dialog');
  root.setAttribute('aria-label', t(lang(), 'mt_meetings'));
  document.body.append(root);

  let meeting: Meeting | null = null;
  let situation: Situation | null = null;
  let cutoff: string | null = null;
  let councilChoice: number | null = null;
  let generation = 0;

  const frame = (inner: string, cls = '') => {
    root.className = `mt-root ${cls}`;
    root.innerHTML = cls.includes('mt-present') ? inner : `<div class="mt-bar"><a href="#" data-action="leave">← ${t(lang(), 'mt_back')}</a> <a href="#meetings">${t(lang(), 'mt_meetings')}</a></div><div class="mt-body">${inner}</div>`;
    document.body.dataset.meetingsPage = cls || 'page';
  };
  const failure = (error: unknown) => {
    const status = error instanceof ApiError ? error.status : 0;
    frame(`<p class="mt-error" role="alert">${status === 401 ? t(lang(), 'mt_signIn') : status === 403 ? t(lang(), 'mt_noAccess') : (error as Error).message}</p>`);
  };

  async function loadMeeting(id: number): Promise<void> {
    // Stepping the agenda must not re-query: the situation is loaded once per meeting and kept until a
    // change here (a priority, closing) replaces it.
    if (meeting?.id === id && situation) return;
    meeting = await fetchMeeting(id);
    if (meeting.status === 'closed' && meeting.snapshot) {
      situation = meeting.snapshot.situation;
      cutoff = meeting.snapshot.data_cutoff_at;
    } else {
      const answer = await fetchSituation(id);
      situation = answer.situation;
      cutoff = answer.data_cutoff_at;
    }
  }

  async function show(): Promise<void> {
    const route = routeOf(location.hash);
    const mine = ++generation;
    document.body.dataset.meetingsReady = 'false';
    if (route.page === 'none') {
      root.hidden = true;
      delete document.body.dataset.meetingsPage;
      return;
    }
    root.hidden = false;
    try {
      if (route.page === 'list') {
        const { councils } = await fetchCouncils();
        // A member sees their own council first; others the first local council (where the agendas are).
        councilChoice = route.council ?? councilChoice ?? (councils.find((c) => c.member) ?? councils.find((c) => c.level === 'local') ?? councils[0])?.id ?? null;
        const meetings = councilChoice === null ? [] : (await fetchMeetings(councilChoice)).meetings;
        if (mine !== generation) return;
        frame(meetingListHtml(councils, councilChoice, meetings, lang()));
      } else {
        await loadMeeting(route.id);
        if (mine !== generation || !meeting) return;
        if (route.page === 'meeting') frame(meetingPageHtml(meeting, cutoff, lang()));
        if (route.page === 'minutes') frame(minutesHtml(meeting, situation, cutoff, lang()), 'mt-print-page');
        if (route.page === 'present') {
          const slides = slidesOf(situation?.districts.length ?? 0);
          const index = Math.min(route.slide, slides.length - 1);
          frame(`<div class="mt-slide" tabindex="-1">${slideHtml(slides[index], meeting, situation, cutoff, lang())}</div>
            <footer class="mt-slide-foot"><span>${t(lang(), 'mt_step')} <span data-part="step">${index + 1}</span> / ${slides.length}</span><span>${t(lang(), 'mt_leave')}</span></footer>`, 'mt-present');
          root.querySelector<HTMLElement>('.mt-slide')?.focus();
        }
      }
      document.body.dataset.meetingsReady = 'true';
    } catch (error) {
      if (mine === generation) failure(error);
      document.body.dataset.meetingsReady = 'true';
    }
  }

  document.addEventListener('keydown', (event) => {
    const route = routeOf(location.hash);
    if (route.page !== 'present' || event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.key === 'Escape') {
      event.preventDefault();
      location.hash = `#meeting/${route.id}`;
      return;
    }
    const next = stepAgenda(route.slide, event.key, slidesOf(situation?.districts.length ?? 0).length);
    if (next === null) return;
    event.preventDefault();
    if (next !== route.slide) location.hash = `#present/${route.id}/${next}`;
  });

  root.addEventListener('click', (event) => {
    const target = (event.target as HTMLElement).closest<HTMLElement>('[data-action]');
    const action = target?.dataset.action;
    if (!action) return;
    if (action === 'leave') {
      event.preventDefault();
      history.pushState(null, '', location.pathname + location.search);
      void show();
    }
    if (action === 'council') location.hash = `#meetings/${target!.dataset.id}`;
    if (action === 'present' && meeting) location.hash = `#present/${meeting.id}`;
    if (action === 'print') window.print();
    if (action === 'close-meeting' && meeting && window.confirm(t(lang(), 'mt_closeConfirm'))) {
      const id = meeting.id;
      void closeMeeting(id).then((m) => {
        meeting = m;
        situation = m.snapshot?.situation ?? null;
        cutoff = m.snapshot?.data_cutoff_at ?? null;
        void show();
      }).catch(failure);
    }
  });

  root.addEventListener('submit', (event) => {
    const form = event.target as HTMLFormElement;
    if (form.id !== 'mt-priority-form' || !meeting) return;
    event.preventDefault();
    const data = new FormData(form);
    const text = (k: string) => String(data.get(k) ?? '').trim() || null;
    const id = meeting.id;
    void recordPriority(id, { problem: text('problem') ?? '', place: text('place'), rationale: text('rationale'), owner: text('owner') ?? '', due_date: text('due_date') })
      .then(async () => {
        meeting = null;
        await loadMeeting(id);
        await show();
      })
      .catch((error: Error) => {
        const out = form.querySelector('.mt-error');
        if (out) out.textContent = error.message;
      });
  });

  window.addEventListener('hashchange', () => void show());
  void show();
}
