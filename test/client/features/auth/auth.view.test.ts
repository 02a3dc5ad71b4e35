import { describe, expect, it } from 'vitest';
import type { Me } from '../../../../client/features/auth/auth.api.ts';
import { renderAuth, roleName } from '../../../../client/features/auth/auth.view.ts';

const publicMe: Me = { role: 'public', signed_in: false, via: null, email: null, display_name: null, municipalities: null, csrf_token: null, expires_at: null };
const police: Me = { ...publicMe, role: 'police', signed_in: true, via: 'session', email: 'p@x.se', csrf_token: 'c' };

describe('sign-in corner', () => {
  it('offers sign-in and the public page to the public', () => {
    const html = renderAuth({ me: publicMe, formOpen: false, busy: false, error: null }, 'sv');
    expect(html).toContain('id="auth-open"');
    expect(html).toContain('href="/public"');
  });

  it('shows the form with autocomplete hints when opened', () => {
    const html = renderAuth({ me: publicMe, formOpen: true, busy: false, error: null }, 'en');
    expect(html).toContain('autocomplete="current-password"');
    expect(html).toContain('type="password"');
  });

  it('shows the role, the email and sign-out for a session', () => {
    const html = renderAuth({ me: police, formOpen: false, busy: false, error: null }, 'sv');
    expect(html).toContain('data-role="police"');
    expect(html).toContain('p@x.se');
    expect(html).toContain('id="sign-out"');
  });

  it('escapes the error message', () => {
    const html = renderAuth({ me: publicMe, formOpen: true, busy: false, error: '<b>x</b>' }, 'sv');
    expect(html).toContain('&lt;b&gt;x&lt;/b&gt;');
  });

  it('names every role in both languages', () => {
    expect(roleName('council', 'sv')).toBe('Brottsförebyggande råd');
    expect(roleName('analyst', 'en')).toBe('Analyst');
  });
});
