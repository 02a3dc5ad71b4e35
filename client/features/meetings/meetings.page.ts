import './meetings.css';
import { ACTION_STATUSES } from '../../../shared/actions.schema.ts';
import { PRIORITY_STATUSES } from '../../../shared/meetings.schema.ts';
import { t, type Lang } from '../../i18n.ts';
import { ApiError } from '../../api/http.ts';
import { fetchMunicipalities } from '../../api/municipalities.ts';
import { escapeHtml } from '../../ui/format.ts';
import { currentViewer, fetchMe } from '../auth/auth.api.ts';
import {
  actionFormHtml, actionsHtml, actionsOfMeeting, councilFormHtml, followUpHtml, isOpenAction, meetingFormHtml, priorityFormHtml, type FocusAreaChoice,
} from './council-work.view.ts';
import {
  closeMeeting, createMeeting, fetchAction, fetchActions, fetchCouncils, fetchDistrictChoices, fetchMeeting, fetchMeetings, fetchMemberCandidates, fetchSituation,
  recordPriority, saveAction, saveCouncil, updatePriority, type Action, type ListedCouncil, type Meeting, type PriorityInput, type Situation,
} from './meetings.api.ts';
import { meetingListHtml, meetingPageHtml, minutesHtml, slideHtml, slidesOf, stepAgenda } from './meetings.view.ts';

type Route = { page: 'none' } | { page: 'list'; council: number | null } | { page: 'meeting' | 'minutes'; id: number } | { page: 'present'; id: number; slide: number }
  | { page: 'council'; id: number | null };

/** Parses the location hash: #meetings[/council], #council/new|<id>, #meeting/<id>, #present/<id>[/<slide>], #minutes/<id>. */
export function routeOf(hash: string): Route {
  const [head, a, b] = hash.replace(/^#/, '').split('/');
  const n = (v: string | undefined) => (v && /^\d{1,15}$/.test(v) ? Number(v) : null);
  if (head === 'meetings') return { page: 'list', council: n(a) };
  if (head === 'council' && (a === 'new' || n(a) !== null)) return { page: 'council', id: a === 'new' ? null : n(a) };
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
  let councils: ListedCouncil[] = [];
  let generation = 0;
  // Editing state of the meeting page: which priority or action the form holds (null = a new one).
  let editingPriority: number | null = null;
  let editingAction: number | null = null;
  let meetingActions: Action[] = [];
  let focusAreas: FocusAreaChoice[] | null = null;
  const role = () => currentViewer().role;
  // Councils are set up by analysts, police and admins; actions are changed by analysts and police (SPEC §6).
  const managesCouncils = () => ['analyst', 'police', 'admin'].includes(role());
  const editsActions = () => role() === 'analyst' || role() === 'police';
  const today = () => new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Stockholm' });

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
    if (meeting?.id !== id) {
      editingPriority = null;
      editingAction = null;
    }
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

  async function loadFocusAreas(): Promise<FocusAreaChoice[]> {
    if (!focusAreas) {
      // Shared with the map's own request: the municipalities are fetched once per page load.
      const answer = await fetchMunicipalities().catch(() => null);
      focusAreas = answer?.municipalities[0]?.focus_areas ?? [];
    }
    return focusAreas;
  }

  const focusNamesOf = (areas: FocusAreaChoice[], l: Lang) => new Map(areas.map((f) => [f.code, l === 'sv' ? f.name_sv : f.name_en]));

  /** The meeting page with its priority form, the actions in its districts and the follow-up of the open ones. */
  async function meetingPage(m: Meeting): Promise<string> {
    const l = lang();
    const areas = await loadFocusAreas();
    const editing = editingPriority === null ? null : (m.priorities.find((p) => p.id === editingPriority) ?? null);
    meetingActions = actionsOfMeeting((await fetchActions()).actions, m.district_ids, m.priorities.map((p) => p.id));
    const open = meetingActions.filter(isOpenAction).slice(0, 20);
    const followUps = await Promise.all(open.map((a) => fetchAction(a.id)));
    const agenda = (situation?.districts ?? []).map((d) => ({ id: d.id, name: d.name }));
    const actionEditing = editingAction === null ? null : (meetingActions.find((a) => a.id === editingAction) ?? null);
    const actions = `<section class="mt-actions-part"><h3>${t(l, 'mt_actions')}</h3>${actionsHtml(meetingActions, editsActions(), l)}
      ${editsActions() ? actionFormHtml(actionEditing, agenda, m.priorities, today(), l) : ''}
      <h3>${t(l, 'mt_followUp')}</h3>${followUpHtml(followUps, l)}</section>`;
    return meetingPageHtml(m, cutoff, l, { priorityForm: m.can_edit ? priorityFormHtml(editing, areas, l) : undefined, actions, focusNames: focusNamesOf(areas, l) });
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
      // The role decides which forms to offer; the auth panel may not have asked the server yet.
      await fetchMe();
      if (route.page === 'list') {
        councils = (await fetchCouncils()).councils;
        // A member sees their own council first; others the first local council (where the agendas are).
        councilChoice = route.council ?? councilChoice ?? (councils.find((c) => c.member) ?? councils.find((c) => c.level === 'local') ?? councils[0])?.id ?? null;
        // Admins set councils up but see no meetings (SPEC §6): they get the councils only.
        const meetings = councilChoice === null || role() === 'admin' ? [] : (await fetchMeetings(councilChoice)).meetings;
        if (mine !== generation) return;
        const chosen = councils.find((c) => c.id === councilChoice) ?? null;
        const manage = managesCouncils()
          ? `<p class="mt-buttons" data-part="council-admin"><a href="#council/new" id="mt-new-council">${t(lang(), 'mt_newCouncil')}</a>${chosen ? ` <a href="#council/${chosen.id}" id="mt-edit-council">${t(lang(), 'mt_editCouncil')}: ${escapeHtml(chosen.name)}</a>` : ''}</p>`
          : '';
        const mayOpen = chosen && (role() === 'analyst' || role() === 'police' || (role() === 'council' && chosen.member));
        frame(`${manage}${meetingListHtml(councils, councilChoice, meetings, lang())}${mayOpen ? meetingFormHtml(chosen, today(), lang()) : ''}`);
      } else if (route.page === 'council') {
        if (!councils.length) councils = (await fetchCouncils()).councils;
        const [districts, users] = await Promise.all([fetchDistrictChoices(), fetchMemberCandidates()]);
        if (mine !== generation) return;
        frame(councilFormHtml(route.id === null ? null : (councils.find((c) => c.id === route.id) ?? null), districts, users.users, lang()));
      } else {
        await loadMeeting(route.id);
        if (mine !== generation || !meeting) return;
        if (route.page === 'meeting') {
          const html = await meetingPage(meeting);
          if (mine !== generation) return;
          frame(html);
        }
        if (route.page === 'minutes') {
          const names = focusNamesOf(await loadFocusAreas(), lang());
          if (mine !== generation) return;
          frame(minutesHtml(meeting, situation, cutoff, lang(), names), 'mt-print-page');
        }
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
    if (action === 'edit-priority' || action === 'edit-action' || action === 'cancel-edit') {
      editingPriority = action === 'edit-priority' ? Number(target!.dataset.id) : null;
      editingAction = action === 'edit-action' ? Number(target!.dataset.id) : null;
      void show().then(() => root.querySelector<HTMLInputElement>(action === 'edit-action' ? '#mt-action-form input' : '#mt-priority-form input')?.focus());
    }
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

  const reportIn = (form: HTMLFormElement) => (error: Error) => {
    const out = form.querySelector('.mt-error');
    if (out) out.textContent = error.message;
  };
  const reloadMeeting = async (id: number) => {
    meeting = null;
    await loadMeeting(id);
    await show();
  };

  root.addEventListener('submit', (event) => {
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const text = (k: string) => String(data.get(k) ?? '').trim() || null;
    const ids = (k: string) => data.getAll(k).map(Number);
    if (form.id === 'mt-council-form') {
      event.preventDefault();
      const id = form.dataset.id ? Number(form.dataset.id) : null;
      const level = text('level') === 'coordinating' ? 'coordinating' : 'local';
      void saveCouncil(id, { name: text('name') ?? '', level, district_ids: ids('district_ids'), member_ids: ids('member_ids') })
        .then((c) => {
          councils = [];
          councilChoice = c.id;
          location.hash = `#meetings/${c.id}`;
        })
        .catch(reportIn(form));
      return;
    }
    if (form.id === 'mt-meeting-form') {
      event.preventDefault();
      void createMeeting({ council: Number(form.dataset.council), date: text('date') ?? '', title: text('title') })
        .then((m) => { location.hash = `#meeting/${m.id}`; })
        .catch(reportIn(form));
      return;
    }
    if (!meeting) return;
    const id = meeting.id;
    if (form.id === 'mt-priority-form') {
      event.preventDefault();
      const body: PriorityInput = {
        problem: text('problem') ?? '', place: text('place'), rationale: text('rationale'), owner: text('owner') ?? '', due_date: text('due_date'),
        ...(data.has('focus_area') ? { focus_area: text('focus_area') } : {}), ...(data.has('status') ? { status: PRIORITY_STATUSES.find((s) => s === text('status')) ?? 'decided' } : {}),
      };
      const editing = form.dataset.id ? Number(form.dataset.id) : null;
      // A PUT replaces the priority: keep what the form does not show (its districts, whether it is published).
      const current = meeting.priorities.find((p) => p.id === editing);
      if (current) Object.assign(body, { district_ids: current.district_ids, published: current.published ?? false });
      void (editing === null ? recordPriority(id, body) : updatePriority(editing, body))
        .then(async () => {
          editingPriority = null;
          await reloadMeeting(id);
        })
        .catch(reportIn(form));
    }
    if (form.id === 'mt-action-form') {
      event.preventDefault();
      const editing = form.dataset.id ? Number(form.dataset.id) : null;
      const priority = text('priority_id');
      // A PUT replaces the action: keep what the form does not show (description, promise link).
      const current = meetingActions.find((a) => a.id === editing);
      void saveAction(editing, {
        ...(current ? { description: current.description, promise_id: current.promise_id } : {}),
        title: text('title') ?? '', responsible: text('responsible') ?? '', area: { district_ids: ids('district_ids') },
        start_date: text('start_date') ?? '', end_date: text('end_date'), status: ACTION_STATUSES.find((s) => s === text('status')) ?? 'planned',
        priority_id: priority === null ? null : Number(priority), indicators: data.getAll('indicators').map((key) => ({ key: String(key) })),
      })
        .then(async () => {
          editingAction = null;
          await reloadMeeting(id);
        })
        .catch(reportIn(form));
    }
  });

  window.addEventListener('hashchange', () => void show());
  void show();
}
