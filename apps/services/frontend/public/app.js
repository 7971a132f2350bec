// The page's behaviour: plain DOM, no framework, no inline script (the CSP forbids it).
// Text from the APIs is only ever set with textContent, never parsed as HTML.
"use strict";

const state = { token: null, username: null, room: "general", lastSentAt: undefined, timer: null };

const $ = (id) => document.getElementById(id);

async function api(method, path, body) {
  const headers = { accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (state.token) headers.authorization = `Bearer ${state.token}`;
  let res;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    return { ok: false, status: 0, data: { error: "the server is unreachable" } };
  }
  const data = await res.json().catch(() => ({ error: res.statusText }));
  return { ok: res.ok, status: res.status, data };
}

function show(id, text, ok) {
  const el = $(id);
  el.textContent = text;
  el.className = `status ${ok ? "ok" : "error"}`;
}

async function loadRegistros() {
  const { ok, data } = await api("GET", "/api/registros");
  if (!ok) return;
  const list = $("registros");
  list.replaceChildren(
    ...data.map((r) => {
      const li = document.createElement("li");
      li.textContent = `#${r.numero}: ${r.message}`;
      return li;
    }),
  );
}

function appendMessages(messages) {
  const list = $("messages");
  for (const m of messages) {
    const li = document.createElement("li");
    const who = document.createElement("strong");
    who.textContent = m.author;
    const time = document.createElement("time");
    time.dateTime = new Date(m.sentAt).toISOString();
    time.textContent = new Date(m.sentAt).toLocaleTimeString();
    li.append(who, " ", time, document.createElement("br"), m.text);
    list.append(li);
    state.lastSentAt = m.sentAt;
  }
}

async function refreshMessages() {
  if (!state.token) return;
  const query = state.lastSentAt === undefined ? "" : `?after=${state.lastSentAt}`;
  const { ok, data } = await api("GET", `/api/rooms/${encodeURIComponent(state.room)}/messages${query}`);
  if (ok) appendMessages(data.messages);
  else show("chat-status", data.error, false);
}

function openRoom(room) {
  state.room = room;
  state.lastSentAt = undefined;
  $("messages").replaceChildren();
  refreshMessages();
}

function formData(form) {
  return Object.fromEntries(new FormData(form).entries());
}

$("register-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const body = formData(event.target);
  if (!body.message) delete body.message;
  const { ok, data } = await api("POST", "/api/register", body);
  if (ok) {
    show("register-status", `Registered ${data.username} as #${data.numero}`, true);
    event.target.reset();
    loadRegistros();
  } else show("register-status", data.error, false);
});

$("login-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const { ok, data } = await api("POST", "/api/login", formData(event.target));
  if (!ok) {
    show("login-status", data.error, false);
    return;
  }
  state.token = data.token;
  state.username = data.username;
  show("login-status", `Logged in until ${new Date(data.expiresAt).toLocaleTimeString()}`, true);
  $("who").textContent = `Logged in as ${data.username}`;
  event.target.reset();
  openRoom(state.room);
  clearInterval(state.timer);
  state.timer = setInterval(refreshMessages, 3000);
});

$("room-form").addEventListener("submit", (event) => {
  event.preventDefault();
  openRoom(formData(event.target).room);
});

$("chat-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  if (!state.token) {
    show("chat-status", "log in first", false);
    return;
  }
  const { ok, data } = await api("POST", `/api/rooms/${encodeURIComponent(state.room)}/messages`, formData(event.target));
  if (ok) {
    event.target.reset();
    show("chat-status", "", true);
    refreshMessages();
  } else show("chat-status", data.error, false);
});

loadRegistros();
