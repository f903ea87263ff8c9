// Signing in and out, and keeping an access token fresh, for every page of the dashboard.
// Tokens live in sessionStorage (this tab only, gone when it closes); the access token is renewed with the
// refresh token shortly before it expires. window.supervisionAuth is the whole interface.
"use strict";
window.supervisionAuth = (() => {
  const key = "supervision.session";
  const load = () => { try { return JSON.parse(sessionStorage.getItem(key)); } catch { return null; } };
  const save = (s) => s ? sessionStorage.setItem(key, JSON.stringify(s)) : sessionStorage.removeItem(key);
  let session = load();
  let renewing = null;

  const problem = async (response) => {
    try { const p = await response.json(); return p.detail || p.title || `HTTP ${response.status}`; }
    catch { return `HTTP ${response.status}`; }
  };

  const grant = async (fields) => {
    const response = await fetch("api/v1/auth/token", { method: "POST", body: new URLSearchParams(fields) });
    if (!response.ok) {
      const error = new Error(await problem(response));
      error.status = response.status;
      error.retryAfter = response.headers.get("Retry-After");
      throw error;
    }
    const t = await response.json();
    session = { accessToken: t.access_token, refreshToken: t.refresh_token, expiresAt: Date.parse(t.expires_at), user: t.user };
    save(session);
    return session;
  };

  const signIn = (username, password) => grant({ grant_type: "password", username, password });

  // A fresh access token, renewed when less than a minute is left; null when there is no session any more.
  const token = async () => {
    if (!session) return null;
    if (session.expiresAt - Date.now() > 60_000) return session.accessToken;
    renewing ??= grant({ grant_type: "refresh_token", refresh_token: session.refreshToken })
      .catch(() => { session = null; save(null); return null; })
      .finally(() => { renewing = null; });
    const renewed = await renewing;
    return renewed ? renewed.accessToken : null;
  };

  const signOut = async () => {
    const current = session && await token();
    session = null;
    save(null);
    if (current) {
      await fetch("api/v1/auth/sign-out", { method: "POST", headers: { Authorization: `Bearer ${current}` } }).catch(() => {});
    }
  };

  // fetch with the access token; a 401 means the session ended: forget it.
  const authorizedFetch = async (url, options = {}) => {
    const current = await token();
    const response = await fetch(url, { ...options, headers: { ...(options.headers || {}), Authorization: `Bearer ${current}` } });
    if (response.status === 401) { session = null; save(null); }
    return response;
  };

  return { signIn, signOut, token, fetch: authorizedFetch, problem, user: () => session && session.user, signedIn: () => !!session };
})();
