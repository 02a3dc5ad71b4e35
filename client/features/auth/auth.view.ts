import type { Me } from './auth.api.ts';

type Lang = 'sv' | 'en';

const ROLE_NAMES: Record<Me['role'], { sv: string; en: string }> = {
  public: { sv: 'Allmänheten', en: 'Public' },
  council: { sv: 'Brottsförebyggande råd', en: 'Crime-prevention council' },
  planner: { sv: 'Planerare', en: 'Planner' },
  analyst: { sv: 'Analytiker', en: 'Analyst' },
  police: { sv: 'Polis', en: 'Police' },
  admin: { sv: 'Administratör', en: 'Administrator' },
};

const TEXT = {
  sv: { signIn: 'Logga in', signOut: 'Logga ut', email: 'E-post', password: 'Lösenord', cancel: 'Avbryt', publicPage: 'Offentlig sida', signedInAs: 'Inloggad som', busy: 'Loggar in…' },
  en: { signIn: 'Sign in', signOut: 'Sign out', email: 'Email', password: 'Password', cancel: 'Cancel', publicPage: 'Public page', signedInAs: 'Signed in as', busy: 'Signing in…' },
} as const;

/** The role's name for people. */
export function roleName(role: Me['role'], lang: Lang): string {
  return ROLE_NAMES[role][lang];
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** UI state of the sign-in corner: who, whether the form is open, the last error. */
export interface AuthViewState {
  me: Me;
  formOpen: boolean;
  busy: boolean;
  error: string | null;
}

/** The sign-in corner as HTML (pure; the panel puts it in #auth and wires the events). */
export function renderAuth(s: AuthViewState, lang: Lang): string {
  const t = TEXT[lang];
  if (s.me.signed_in) {
    const who = s.me.email ?? s.me.display_name ?? '';
    return `<span id="auth-who" class="auth-who" data-role="${s.me.role}" title="${escapeHtml(`${t.signedInAs} ${who}`)}">${escapeHtml(roleName(s.me.role, lang))}${who ? ` · <span class="muted">${escapeHtml(who)}</span>` : ''}</span>
      ${s.me.via === 'session' ? `<button type="button" id="sign-out" data-action="sign-out">${t.signOut}</button>` : ''}`;
  }
  const link = `<a href="/public" class="auth-public-link">${t.publicPage}</a>`;
  if (!s.formOpen) {
    return `<span id="auth-who" class="auth-who" data-role="public">${escapeHtml(roleName('public', lang))}</span>
      <button type="button" id="auth-open" data-action="open">${t.signIn}</button> ${link}`;
  }
  return `<form id="sign-in-form" class="sign-in-form" novalidate>
      <label>${t.email} <input id="sign-in-email" name="email" type="email" autocomplete="username" required></label>
      <label>${t.password} <input id="sign-in-password" name="password" type="password" autocomplete="current-password" required></label>
      <button type="submit" id="sign-in-submit"${s.busy ? ' disabled' : ''}>${s.busy ? t.busy : t.signIn}</button>
      <button type="button" data-action="cancel">${t.cancel}</button>
      ${s.error ? `<p id="sign-in-error" class="sign-in-error" role="alert">${escapeHtml(s.error)}</p>` : ''}
    </form>`;
}
