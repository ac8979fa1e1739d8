// Operator console. All text from chat or the show is inserted with textContent, never as HTML.
"use strict";
(function () {
  const page = document.currentScript.dataset.page;
  const $ = (id) => document.getElementById(id);

  function item(list, parts, limit) {
    const li = document.createElement("li");
    for (const [cls, text] of parts) {
      const span = document.createElement("span");
      if (cls) span.className = cls;
      span.textContent = text;
      li.appendChild(span);
      li.appendChild(document.createTextNode(" "));
    }
    list.insertBefore(li, list.firstChild);
    while (list.children.length > (limit || 200)) list.removeChild(list.lastChild);
    return li;
  }

  function preview(stateEl) {
    startPreview($("video"), (s) => { stateEl.textContent = "preview: " + s; })
      .catch((e) => { stateEl.textContent = "preview failed: " + e.message; });
  }

  if (page === "viewer") { preview($("state")); return; }

  let token = sessionStorage.getItem("livehost-token") || "";
  let operator = sessionStorage.getItem("livehost-operator") || "";

  async function api(path, options) {
    const response = await fetch(path, Object.assign({}, options, {
      headers: Object.assign({ "Authorization": "Bearer " + token, "Content-Type": "application/json" },
                             (options || {}).headers || {}),
    }));
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(body.error || response.statusText);
    return body;
  }

  async function act(action, fields) {
    try {
      return await api("/api/action", { method: "POST", body: JSON.stringify(Object.assign({ action, operator }, fields)) });
    } catch (e) {
      item($("errors"), [["", action + ": " + e.message]]);
    }
  }

  function fillSelect(select, values, current) {
    select.textContent = "";
    for (const v of values) {
      const option = document.createElement("option");
      option.value = v.value; option.textContent = v.label;
      if (v.value === current) option.selected = true;
      select.appendChild(option);
    }
  }

  function showState(state) {
    $("mode").textContent = state.mode;
    $("persona").textContent = state.persona;
    $("paused").textContent = state.paused ? "paused" : "running";
    $("onair").textContent = state.stopped ? "STOPPED (holding card)" : "live";
    const products = state.products.map((p) => ({ value: p.sku, label: p.sku + " " + p.title }));
    if (!$("pin-select").children.length) {
      fillSelect($("pin-select"), products, state.pinned);
      fillSelect($("product-select"), products);
      fillSelect($("persona-select"), state.personas.map((p) => ({ value: p, label: p })), state.persona);
    }
    $("proposals").textContent = "";
    for (const p of state.proposals) addProposal(p);
  }

  function addProposal(p) {
    if (document.querySelector('#proposals li[data-line="' + CSS.escape(p.line_id) + '"]')) return;
    const li = item($("proposals"), [["", p.user + ": "], ["", p.question], ["", " → " + p.text]]);
    li.dataset.line = p.line_id;
    for (const [label, action] of [["Approve", "approve"], ["Reject", "reject"]]) {
      const b = document.createElement("button");
      b.textContent = label; b.className = action;
      b.onclick = async () => { if (await act(action, { line_id: p.line_id })) li.remove(); };
      li.appendChild(b);
    }
  }

  function onEvent(event) {
    if (event.type === "chat") item($("chat"), [["kind " + event.kind, event.kind], ["", event.user + ":"], ["text", event.text]]);
    else if (event.type === "proposal") addProposal(event);
    else if (event.type === "proposal_done") { const li = document.querySelector('#proposals li[data-line="' + CSS.escape(event.line_id) + '"]'); if (li) li.remove(); }
    else if (event.type === "reply") item($("chat"), [["kind reply", "host"], ["text", event.text]]);
    else if (event.type === "audit") item($("audit"), [["", event.operator], ["", event.action], ["", event.detail]]);
    else if (event.type === "error") item($("errors"), [["", event.message]]);
    else if (event.type === "state") showState(event.state);
  }

  async function events() {
    while (true) {
      try {
        const response = await fetch("/api/events", { headers: { "Authorization": "Bearer " + token } });
        if (!response.ok) throw new Error("events refused: " + response.status);
        const reader = response.body.getReader();
        const decoder = new TextDecoder();
        let buffer = "";
        while (true) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, { stream: true });
          let cut;
          while ((cut = buffer.indexOf("\n\n")) >= 0) {
            const block = buffer.slice(0, cut); buffer = buffer.slice(cut + 2);
            for (const line of block.split("\n")) if (line.startsWith("data: ")) onEvent(JSON.parse(line.slice(6)));
          }
        }
      } catch (e) { item($("errors"), [["", e.message]]); }
      await new Promise((r) => setTimeout(r, 1000));
    }
  }

  async function enter() {
    token = $("token").value.trim(); operator = $("operator").value.trim();
    if (!operator) { $("login-error").textContent = "enter your name: every action is logged with it"; return; }
    try { showState(await api("/api/state")); }
    catch (e) { $("login-error").textContent = e.message; return; }
    sessionStorage.setItem("livehost-token", token); sessionStorage.setItem("livehost-operator", operator);
    $("login").classList.add("hidden"); $("app").classList.remove("hidden");
    $("whoami").textContent = "operator: " + operator;
    preview($("rtc-state"));
    events();
    setInterval(async () => { try { showState(await api("/api/state")); } catch (e) {} }, 2000);
  }

  $("enter").onclick = enter;
  $("token").value = token; $("operator").value = operator;
  document.querySelectorAll("button[data-mode]").forEach((b) => { b.onclick = () => act("mode", { mode: b.dataset.mode }); });
  $("say").onclick = () => act("say", { text: $("say-text").value }).then((r) => { if (r) $("say-text").value = ""; });
  $("persona-switch").onclick = () => act("persona", { persona: $("persona-select").value });
  $("pin").onclick = () => act("pin", { sku: $("pin-select").value });
  $("unpin").onclick = () => act("pin", { sku: null });
  $("product-save").onclick = () => {
    const fields = { sku: $("product-select").value };
    if ($("price").value) fields.price = Number($("price").value);
    if ($("stock").value) fields.stock = Number($("stock").value);
    act("product", fields);
  };
  $("pause").onclick = () => act("pause", { paused: true });
  $("unpause").onclick = () => act("pause", { paused: false });
  $("stop").onclick = () => act("stop", { reason: "operator pressed emergency stop" });
  $("resume").onclick = () => act("resume", {});
})();
