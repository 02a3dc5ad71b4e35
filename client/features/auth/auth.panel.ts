import './auth.css';
import { fetchMe, signIn, signOut, type Me } from './auth.api.ts';
import { renderAuth, type AuthViewState } from './auth.view.ts';

/**
 * The sign-in corner (#auth in index.html): who is signed in, a sign-in form, sign-out. Signing in or out
 * reloads the page, so every layer is fetched again with the new role (the server decides what it gets).
 */
export function mountAuth(root: HTMLElement): void {
  const lang = () => (document.documentElement.lang === 'en' ? 'en' : 'sv');
  let state: AuthViewState = { me: { role: 'public', signed_in: false, via: null, email: null, display_name: null, municipalities: null, csrf_token: null, expires_at: null }, formOpen: false, busy: false, error: null };

  const render = () => {
    root.innerHTML = renderAuth(state, lang());
    root.dataset.role = state.me.role;
    if (state.formOpen && !state.busy) root.querySelector<HTMLInputElement>('#sign-in-email')?.focus();
  };
  const set = (change: Partial<AuthViewState>) => {
    state = { ...state, ...change };
    render();
  };

  root.addEventListener('click', (event) => {
    const action = (event.target as HTMLElement).closest<HTMLElement>('[data-action]')?.dataset.action;
    if (action === 'open') set({ formOpen: true, error: null });
    if (action === 'cancel') set({ formOpen: false, error: null });
    if (action === 'sign-out') void signOut().finally(() => location.reload());
  });
  root.addEventListener('submit', (event) => {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const email = (form.elements.namedItem('email') as HTMLInputElement).value;
    const password = (form.elements.namedItem('password') as HTMLInputElement).value;
    set({ busy: true, error: null });
    signIn(email, password)
      .then(() => location.reload())
      .catch((error: Error) => set({ busy: false, error: error.message }));
  });

  render();
  void fetchMe().then((me: Me) => set({ me }));
}
