// Live alert board: opens on the sign-in page; once signed in, loads recent alerts of the user's jurisdiction from
// history, then applies every `alert` message from /hubs/alerts (the server decides what the user may see).
"use strict";
(() => {
  const auth = window.supervisionAuth;
  const maxRows = 500;
  const alerts = new Map();
  const tbody = document.querySelector("#alerts tbody");
  const statusEl = document.getElementById("status");
  const input = document.getElementById("jurisdiction");
  const params = new URLSearchParams(location.search);
  let jurisdiction = params.get("region") || "";
  input.value = jurisdiction;

  const setStatus = (state, text) => { statusEl.dataset.state = state; statusEl.textContent = text; };

  const cell = (text, cls) => {
    const td = document.createElement("td");
    if (cls) td.className = cls;
    td.textContent = text;
    return td;
  };

  const explain = (a) => {
    const td = cell(a.summary || "", "why");
    const parts = (a.explanation || []).map((e) =>
      `${e.feature}=${e.value}` + (e.limit !== null && e.limit !== undefined ? ` (limit ${e.limit})` : "") +
      (e.contribution !== null && e.contribution !== undefined ? ` +${Number(e.contribution).toFixed(2)}` : ""));
    if (parts.length) {
      const small = document.createElement("small");
      small.textContent = parts.join(" · ") + ` · ${a.ruleId} · ${a.modelVersion}`;
      td.appendChild(small);
    }
    return td;
  };

  const row = (a, fresh) => {
    const tr = document.createElement("tr");
    tr.dataset.alertId = a.alertId;
    tr.className = `${a.severity} ${a.status}` + (fresh ? " fresh" : "");
    tr.append(
      cell(a.severity, "sev"), cell(a.status), cell(a.enterpriseId), cell(a.region), cell(a.sector),
      cell(Number(a.riskScore).toFixed(2), "risk"), explain(a), cell(String(a.count)),
      cell(new Date(a.lastSeen).toLocaleString()));
    return tr;
  };

  const inJurisdiction = (a) => a.region.startsWith(jurisdiction);

  const render = () => {
    const sorted = [...alerts.values()].sort((x, y) => new Date(y.lastSeen) - new Date(x.lastSeen)).slice(0, maxRows);
    let open = 0, critical = 0;
    for (const a of alerts.values()) {
      if (a.status !== "resolved") { open++; if (a.severity === "critical") critical++; }
    }
    document.getElementById("count-open").textContent = open;
    document.getElementById("count-critical").textContent = critical;
    document.getElementById("count-total").textContent = sorted.length;
    document.getElementById("empty").hidden = sorted.length > 0;
    return sorted;
  };

  let pending = new Set();
  let scheduled = false;
  const apply = (a) => {
    if (!inJurisdiction(a)) return;
    alerts.set(a.alertId, a);
    pending.add(a.alertId);
    if (!scheduled) { scheduled = true; requestAnimationFrame(flush); }
  };
  const flush = () => {
    scheduled = false;
    const sorted = render();
    const fragment = document.createDocumentFragment();
    for (const a of sorted) fragment.appendChild(row(a, pending.has(a.alertId)));
    tbody.replaceChildren(fragment);
    pending = new Set();
    for (const id of [...alerts.keys()].slice(0, Math.max(0, alerts.size - maxRows * 2))) alerts.delete(id);
  };

  const loadHistory = async () => {
    const url = `api/v1/alerts?limit=200` + (jurisdiction ? `&region=${encodeURIComponent(jurisdiction)}` : "");
    const response = await auth.fetch(url);
    if (!response.ok) throw new Error(`history: ${await auth.problem(response)}`);
    for (const a of await response.json()) apply(a);
  };

  const signinView = document.getElementById("signin");
  const boardView = document.getElementById("board");
  const signinError = document.getElementById("signin-error");

  const showSignIn = (message) => {
    boardView.hidden = true;
    signinView.hidden = false;
    signinError.hidden = !message;
    signinError.textContent = message || "";
    document.getElementById("username").focus();
  };

  // The token goes with every (re)connection; a connection the server closes (sign-out elsewhere, account disabled)
  // ends on the sign-in page once the session is gone.
  const connection = new signalR.HubConnectionBuilder()
    .withUrl("hubs/alerts", { accessTokenFactory: async () => (await auth.token()) || "" })
    .withAutomaticReconnect()
    .configureLogging(signalR.LogLevel.Warning)
    .build();
  connection.on("alert", apply);
  connection.onreconnecting(() => setStatus("connecting", "reconnecting…"));
  connection.onreconnected(async () => {
    try { await watch(); } catch (err) { setStatus("error", String(err.message || err)); }
  });
  connection.onclose(async () => {
    if (!(await auth.token())) { showSignIn("Your session ended; sign in again."); return; }
    setStatus("error", "disconnected");
  });
  window.supervision = { connection };

  const watch = async () => {
    alerts.clear();
    flush();
    await connection.invoke("Watch", jurisdiction);
    await loadHistory();
    setStatus("live", jurisdiction ? `live · ${jurisdiction}` : "live · your jurisdiction");
  };

  const describe = (u) => u.role + (u.enterprise ? ` · ${u.enterprise}` : u.jurisdiction === "" ? " · whole country" : u.jurisdiction ? ` · ${u.jurisdiction}` : "");

  const start = async () => {
    signinView.hidden = true;
    boardView.hidden = false;
    const user = auth.user();
    document.getElementById("who").textContent = `${user.name} (${describe(user)})`;
    setStatus("connecting", "connecting…");
    try {
      if (connection.state === signalR.HubConnectionState.Disconnected) await connection.start();
      await watch();
    } catch (err) {
      if (!auth.signedIn()) { showSignIn("Your session ended; sign in again."); return; }
      setStatus("error", String(err.message || err));
    }
  };

  document.getElementById("signin-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const form = e.target;
    try {
      await auth.signIn(form.username.value.trim(), form.password.value);
      form.password.value = "";
      await start();
    } catch (err) {
      showSignIn(err.retryAfter ? `${err.message}` : err.message);
    }
  });

  document.getElementById("signout").addEventListener("click", async () => {
    await connection.stop();
    await auth.signOut();
    alerts.clear();
    flush();
    showSignIn();
  });

  document.getElementById("jurisdiction-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!input.checkValidity()) { setStatus("error", "jurisdiction must be 2, 4 or 6 digits"); return; }
    jurisdiction = input.value.trim();
    history.replaceState(null, "", jurisdiction ? `?region=${jurisdiction}` : location.pathname);
    try { await watch(); } catch (err) { setStatus("error", String(err.message || err)); }
  });

  if (auth.signedIn()) start(); else showSignIn();
})();
