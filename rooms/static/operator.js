"use strict";
let token = "";
const cell = (row, text) => { const td = row.insertCell(); td.textContent = text === null || text === undefined ? "-" : String(text); return td; };

async function refresh() {
  if (!token) return;
  const response = await fetch("/api/rooms", { headers: { Authorization: "Bearer " + token } });
  const error = document.getElementById("error");
  if (!response.ok) { error.textContent = response.status === 401 ? "wrong token" : "error " + response.status; return; }
  error.textContent = "";
  const body = document.querySelector("#rooms tbody");
  body.replaceChildren();
  for (const room of (await response.json()).rooms) {
    const row = body.insertRow();
    cell(row, room.name);
    cell(row, room.state).className = room.state;
    for (const key of ["uptime_s", "restarts", "fps", "av_offset_ms", "viewers", "answers", "persona", "node"]) cell(row, room[key]);
    const link = document.createElement("a");
    link.href = room.console_url; link.textContent = "console"; link.rel = "noopener noreferrer"; link.target = "_blank";
    row.insertCell().append(link);
    cell(row, room.last_error);
  }
  document.getElementById("rooms").hidden = false;
}

document.getElementById("login").addEventListener("submit", (event) => {
  event.preventDefault();
  token = document.getElementById("token").value.trim();
  refresh();
});
setInterval(refresh, 2000);
