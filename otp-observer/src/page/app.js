"use strict";
// The observer's page: draws each `overview` event of the server's stream, and sends actions
// with the token the user entered. Everything from the server is put in with textContent.
(function () {
  const base = location.pathname.endsWith("/") ? location.pathname : location.pathname + "/";
  const $ = (id) => document.getElementById(id);
  const STATES = ["available", "scheduled", "executing", "retryable", "completed", "discarded", "cancelled"];

  let overview = null;
  let selected = null;      // the selected process's numeric id
  let selectedKey = null;   // its place in a tree (supervisor pid + child id), to follow a restart
  let lastTrees = "";
  let sort = { key: "mailbox_len", desc: true };
  let detail = null;
  let detailBusy = false;

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }
  function pidId(pid) { const m = /^<0\.(\d+)>$/.exec(pid || ""); return m ? Number(m[1]) : null; }
  function bytes(n) {
    if (n < 1024) return n + " B";
    if (n < 1024 * 1024) return (n / 1024).toFixed(1) + " KiB";
    return (n / 1024 / 1024).toFixed(1) + " MiB";
  }
  function ago(ms) {
    const s = Math.max(0, (Date.now() - ms) / 1000);
    if (s < 60) return s.toFixed(1) + " s";
    if (s < 3600) return Math.floor(s / 60) + " min " + Math.floor(s % 60) + " s";
    return Math.floor(s / 3600) + " h " + Math.floor((s % 3600) / 60) + " min";
  }
  function count(n, one) { return n + " " + one + (n === 1 ? "" : "s"); }
  function clock(ms) { return new Date(ms).toLocaleTimeString(); }
  function token() { return sessionStorage.getItem("otp-observer-token") || ""; }

  function say(text, isError) {
    const box = $("message");
    box.textContent = text;
    box.classList.toggle("error", !!isError);
  }

  // A link to a process: clicking it selects it.
  function pidLink(pid) {
    const a = el("a", "pid", pid);
    a.addEventListener("click", () => select(pidId(pid), null));
    return a;
  }
  function pidList(target, pids) {
    target.replaceChildren();
    if (!pids || pids.length === 0) { target.textContent = "none"; return; }
    pids.forEach((pid, i) => { if (i) target.append(", "); target.append(pidLink(pid)); });
  }

  // --- trees -------------------------------------------------------------------------------
  function drawNode(node, parentPid) {
    const li = el("li", "node " + node.kind + " state-" + node.state);
    if (node.deadlocked) li.classList.add("deadlocked");
    if (node.state !== "running") li.classList.add("restarting");
    if (node.id) li.dataset.id = node.id;
    if (node.pid) li.dataset.pid = node.pid;
    const key = (parentPid || "") + "/" + (node.id || node.pid || "");
    li.dataset.key = key;
    const label = el("div", "label");
    label.append(el("span", "kind", node.kind === "supervisor" ? "S" : "W"));
    if (node.id) label.append(el("span", "child-id", node.id));
    label.append(el("span", "pid", node.pid || node.state.replace("_", " ")));
    label.append(el("span", "server", node.server));
    if (node.name) label.append(el("span", "name", "“" + node.name + "”"));
    if (node.restarts) label.append(el("span", "restarts", "↻ " + node.restarts));
    const facts = [];
    if (node.restart) facts.push(node.restart);
    if (node.restarts) facts.push("restarted " + count(node.restarts, "time") + (node.last_restart ? ", last at " + clock(node.last_restart) : ""));
    if (node.state !== "running") facts.push(node.state.replace("_", " "));
    if (facts.length) label.title = facts.join(" · ");
    if (node.pid) label.addEventListener("click", () => select(pidId(node.pid), key));
    li.append(label);
    if (node.children && node.children.length) {
      const ul = el("ul");
      node.children.forEach((child) => ul.append(drawNode(child, node.pid)));
      li.append(ul);
    }
    return li;
  }
  function drawTrees(trees) {
    const text = JSON.stringify(trees);
    if (text !== lastTrees) {
      lastTrees = text;
      const box = $("trees");
      box.replaceChildren();
      if (trees.length === 0) box.append(el("p", "muted", "No supervision tree is running."));
      trees.forEach((tree) => { const ul = el("ul", "tree"); ul.append(drawNode(tree, null)); box.append(ul); });
    }
    // A selected process that was restarted: follow its place in the tree to the new pid.
    if (selected !== null && selectedKey && !overview.processes.some((p) => p.id === selected)) {
      const found = document.querySelector('li.node[data-key="' + CSS.escape(selectedKey) + '"]');
      if (found && found.dataset.pid) selected = pidId(found.dataset.pid);
    }
    document.querySelectorAll("li.node").forEach((li) => {
      li.classList.toggle("selected", selected !== null && pidId(li.dataset.pid) === selected);
    });
  }

  // --- table -------------------------------------------------------------------------------
  function drawTable(rows) {
    const sorted = rows.slice().map((r) => Object.assign({ label: r.name || r.server }, r));
    sorted.sort((a, b) => {
      const x = a[sort.key], y = b[sort.key];
      const c = typeof x === "number" ? x - y : String(x).localeCompare(String(y));
      return (sort.desc ? -c : c) || a.id - b.id;
    });
    const body = document.querySelector("#processes tbody");
    const out = [];
    for (const r of sorted.slice(0, 1000)) {
      const tr = el("tr");
      tr.dataset.pid = r.pid;
      if (r.deadlocked) tr.classList.add("deadlocked");
      if (r.id === selected) tr.classList.add("selected");
      tr.append(el("td", "pid", r.pid));
      const name = el("td");
      if (r.name) { name.append(el("strong", null, r.name)); name.append(" "); }
      name.append(el("span", "muted", r.server));
      name.title = r.server_type;
      tr.append(name);
      tr.append(el("td", "status-" + r.status, r.status));
      tr.append(el("td", "num", String(r.mailbox_len)));
      tr.append(el("td", "num", r.messages_per_sec.toFixed(1)));
      tr.append(el("td", "num", String(r.messages_handled)));
      tr.append(el("td", "num", bytes(r.memory)));
      const wait = el("td");
      if (r.waiting_on) wait.append(el("span", "pid", r.waiting_on.pid), " for " + ago(r.waiting_on.since));
      tr.append(wait);
      tr.addEventListener("click", () => select(r.id, null));
      out.push(tr);
    }
    body.replaceChildren(...out);
    document.querySelectorAll("#processes th[data-sort]").forEach((th) => {
      th.classList.toggle("sorted", th.dataset.sort === sort.key);
      th.classList.toggle("asc", th.dataset.sort === sort.key && !sort.desc);
    });
  }
  document.querySelectorAll("#processes th[data-sort]").forEach((th) => {
    th.addEventListener("click", () => {
      const key = th.dataset.sort;
      sort = sort.key === key ? { key, desc: !sort.desc } : { key, desc: !["id", "label", "status"].includes(key) };
      if (overview) drawTable(overview.processes);
    });
  });

  // --- detail ------------------------------------------------------------------------------
  function select(id, key) {
    if (id === null) return;
    selected = id;
    selectedKey = key;
    detail = null;
    if (overview) { drawTrees(overview.trees); drawTable(overview.processes); }
    loadDetail();
  }
  async function loadDetail() {
    if (selected === null || detailBusy) return;
    detailBusy = true;
    const id = selected;
    try {
      const response = await fetch(base + "api/processes/" + id);
      const body = await response.json();
      if (id !== selected) return;
      if (!response.ok) { drawGone("<0." + id + ">", body.error ? body.error.message : response.statusText); return; }
      detail = body;
      drawDetail(body);
    } catch (e) {
      // The stream's state says whether the server is reachable.
    } finally {
      detailBusy = false;
    }
  }
  function drawGone(pid, why) {
    $("d-empty").hidden = true;
    $("d-body").hidden = false;
    $("d-pid").textContent = pid;
    $("d-gone").hidden = false;
    $("d-gone").textContent = why;
    document.querySelectorAll(".actions button").forEach((b) => { b.disabled = true; });
  }
  function drawDetail(d) {
    $("d-empty").hidden = true;
    $("d-body").hidden = false;
    $("d-gone").hidden = true;
    $("d-pid").textContent = d.pid;
    $("d-name").textContent = d.name || "—";
    $("d-type").textContent = d.server_type;
    $("d-status").textContent = d.status + (d.deadlocked ? " — in a deadlock cycle" : "");
    $("d-status").className = "status-" + d.status;
    const parent = $("d-parent");
    parent.replaceChildren();
    if (d.parent) parent.append(pidLink(d.parent)); else parent.textContent = "none";
    $("d-mailbox").textContent = count(d.mailbox_len, "message");
    $("d-handled").textContent = count(d.messages_handled, "message");
    $("d-memory").textContent = bytes(d.memory);
    $("d-started").textContent = clock(d.started_at) + " (" + ago(d.started_at) + " ago)";
    const waiting = $("d-waiting");
    waiting.replaceChildren();
    if (d.waiting_on) {
      waiting.append("a call to ", pidLink(d.waiting_on.pid), " since " + clock(d.waiting_on.since) + " (" + ago(d.waiting_on.since) + ")");
    } else waiting.textContent = "nothing";
    pidList($("d-links"), d.links);
    pidList($("d-monitors"), d.monitors);
    pidList($("d-monitored-by"), d.monitored_by);
    const state = $("d-state");
    state.textContent = d.state !== null && d.state !== undefined ? d.state : d.state_note || "";
    state.classList.toggle("muted", d.state === null || d.state === undefined);
    $("action-trace").textContent = d.traced ? "Trace off (" + count(d.trace_left, "message") + " left)" : "Trace on";
    const readOnly = overview ? overview.read_only : document.body.dataset.readOnly === "true";
    document.querySelectorAll(".actions button").forEach((b) => { b.disabled = readOnly; });
    $("action-suspend").disabled = readOnly || d.status === "suspended";
    $("action-resume").disabled = readOnly || d.status !== "suspended";
  }

  // --- actions -----------------------------------------------------------------------------
  async function send(url, what) {
    const headers = {};
    if (token()) headers["Authorization"] = "Bearer " + token();
    try {
      const response = await fetch(url, { method: "POST", headers });
      let body = {};
      try { body = await response.json(); } catch (e) { /* no body */ }
      if (!response.ok) {
        say(what + " refused: " + (body.error ? body.error.message : response.status + " " + response.statusText), true);
        return false;
      }
      say(what + ": done");
      return true;
    } catch (e) {
      say(what + " failed: the observer did not answer (" + e + ")", true);
      return false;
    }
  }
  document.querySelectorAll(".actions button").forEach((button) => {
    button.addEventListener("click", async () => {
      if (selected === null) return;
      const action = button.dataset.action;
      const pid = "<0." + selected + ">";
      let url = base + "api/processes/" + selected + "/" + action;
      let what = action.charAt(0).toUpperCase() + action.slice(1) + " " + pid;
      if (action === "trace") {
        const on = !(detail && detail.traced);
        url += "?on=" + on;
        what = "Trace " + (on ? "on" : "off") + " for " + pid;
      }
      if (await send(url, what)) loadDetail();
    });
  });
  document.querySelectorAll("#job-form button").forEach((button) => {
    button.addEventListener("click", async () => {
      const id = $("job-id").value.trim();
      const action = button.dataset.jobAction;
      if (!/^\d+$/.test(id)) { say("A job id is a whole number, not " + JSON.stringify(id), true); return; }
      await send(base + "api/jobs/" + id + "/" + action, (action === "retry" ? "Retry" : "Cancel") + " of job " + id);
    });
  });
  $("token-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const value = $("token").value.trim();
    if (value) sessionStorage.setItem("otp-observer-token", value); else sessionStorage.removeItem("otp-observer-token");
    $("token").value = "";
    drawTokenState();
    say(value ? "Token set for this tab." : "Token cleared.");
  });
  function drawTokenState() { $("token-state").textContent = token() ? "token set" : "no token"; }
  drawTokenState();

  // --- jobs --------------------------------------------------------------------------------
  function drawJobs(jobs) {
    $("jobs-panel").hidden = !jobs;
    if (!jobs) return;
    $("jobs-node").textContent = "node " + jobs.node + (jobs.nodes.length > 1 ? " (" + jobs.nodes.length + " nodes live)" : "");
    $("jobs-error").hidden = !jobs.error;
    $("jobs-error").textContent = jobs.error ? "The queues could not be read: " + jobs.error : "";
    const rows = jobs.queues.map((q) => {
      const tr = el("tr");
      tr.dataset.queue = q.name;
      tr.append(el("td", null, q.name));
      tr.append(el("td", "num", q.limit === null ? "—" : String(q.limit)));
      tr.append(el("td", "num", q.running === null ? "—" : String(q.running)));
      STATES.forEach((s) => tr.append(el("td", "num", String(q.counts[s] || 0))));
      tr.append(el("td", "note", q.stalled ? "stalled" : q.paused ? "paused" : ""));
      return tr;
    });
    document.querySelector("#queues tbody").replaceChildren(...rows);
    const readOnly = overview.read_only;
    document.querySelectorAll("#job-form button").forEach((b) => { b.disabled = readOnly; });
  }

  // --- the stream --------------------------------------------------------------------------
  function draw(next) {
    overview = next;
    $("read-only").hidden = !next.read_only;
    document.body.dataset.readOnly = String(next.read_only);
    $("count").textContent = next.process_count + " processes";
    const cycles = next.deadlocks;
    const banner = $("deadlocks");
    banner.hidden = cycles.length === 0;
    banner.textContent = cycles.map((c) => "Deadlock: " + c.concat([c[0]]).join(" → ") + " (each blocked in a call to the next)").join("   ");
    drawTrees(next.trees);
    drawTable(next.processes);
    drawJobs(next.jobs);
    loadDetail();
  }
  function connect() {
    const source = new EventSource(base + "events");
    const state = $("connection");
    source.addEventListener("open", () => { state.textContent = "live"; state.className = "connection live"; });
    source.addEventListener("error", () => { state.textContent = "reconnecting…"; state.className = "connection lost"; });
    source.addEventListener("overview", (event) => draw(JSON.parse(event.data)));
    source.addEventListener("observer_error", (event) => say(event.data, true));
  }
  connect();
})();
