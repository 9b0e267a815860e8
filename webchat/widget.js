/*
 * The support assistant's chat widget. Plain JavaScript, no framework; everything it loads comes from
 * the Rasa server that serves this file (bot/channels/socketio.py), never from a CDN.
 *
 * Embed it in any page whose origin the server allows (WEBCHAT_ALLOWED_ORIGINS):
 *
 *   <script src="https://your.host/webchat/widget.js" defer></script>
 *
 * There it shows the launcher and the crisis line, and opens the chat in an iframe from the chat's own
 * origin (/webchat/frame): the embedding page never holds the session token or the transcript.
 *
 * Options, as data- attributes on that tag:
 *   data-server        the Rasa server's base URL (default: where widget.js came from)
 *   data-container     a CSS selector: show the chat inside that element instead of a floating button
 *   data-title         the heading (default "Support chat")
 *   data-init-payload  sent, unseen, when a new conversation starts (default "/greet", sent with the
 *                      country of the crisis banner as `/greet{"country_hint":"GB"}`; "" for none)
 *   data-storage       "session" (default: forgotten when the tab closes, safer on a shared computer)
 *                      or "local" (kept until the person clears it)
 *
 * Bot text is always rendered as text (textContent); only http(s) links become clickable.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script) return;
  var data = script.dataset;
  var server = (data.server || new URL(script.src, location.href).origin).replace(/\/+$/, "");
  var serverOrigin = new URL(server, location.href).origin;
  var base = server + "/webchat";
  // Three ways to run: "page" (a container on a page of the chat's own origin, as /webchat is),
  // "frame" (inside /webchat/frame, which another site embeds), and "host" (the script tag on another
  // site: it shows the launcher and the crisis line, and puts the chat in an iframe from the chat's
  // own origin, so that site never holds the session token or the transcript).
  var framed = data.mode === "frame";
  var query = framed ? new URLSearchParams(location.search) : null;
  var opts = {
    title: (framed ? query.get("title") : data.title) || "Support chat",
    initPayload: framed ? query.get("init") : data.initPayload,
    storage: framed ? query.get("storage") : data.storage,
    container: data.container || null
  };
  var hosted = !framed && !opts.container && location.origin !== serverOrigin;
  var MAX_CHARS = 5000;
  var ACK_TIMEOUT_MS = 10000;
  var TYPING_TIMEOUT_MS = 30000;
  var MAX_ENTRIES = 300;
  var URL_RE = /\bhttps?:\/\/[^\s<>"']+/gi;
  var CRISIS_PAYLOAD = /^\/crisis_/;
  var TRAILING = /[.,;:!?'")\]}]+$/;

  var FALLBACK_HELPLINES = {
    international: { name: "Find A Helpline", url: "https://findahelpline.com" },
    countries: {}
  };

  // ---- small helpers ------------------------------------------------------------------------

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = text;
    return node;
  }

  function button(className, text, label) {
    var b = el("button", className, text);
    b.type = "button";
    if (label) b.setAttribute("aria-label", label);
    return b;
  }

  function uid() {
    if (window.crypto && crypto.getRandomValues) {
      var a = new Uint32Array(2);
      crypto.getRandomValues(a);
      return a[0].toString(36) + a[1].toString(36);
    }
    return String(Date.now()) + Math.random().toString(36).slice(2);
  }

  // Phone numbers inside a bot message: "call 116 123" becomes a tel: link, "text 988" and
  // "text SHOUT to 85258" become sms: links, so a person in crisis can reach the line with one tap.
  var PHONE_RE = /\b(call|ring|phone|text)\s+(?:([A-Z]{2,12})\s+to\s+)?(\+?\d[\d -]{0,14}\d)/gi;

  function linkFor(raw) {
    if (/^https?:/i.test(raw)) {
      try {
        var parsed = new URL(raw);
        if (parsed.protocol === "http:" || parsed.protocol === "https:") return { href: parsed.href, external: true };
      } catch (e) { return null; }
      return null;
    }
    return null;
  }

  function nextLink(text, from) {
    URL_RE.lastIndex = from;
    PHONE_RE.lastIndex = from;
    var url = URL_RE.exec(text), phone = PHONE_RE.exec(text);
    if (url && (!phone || url.index <= phone.index)) {
      var raw = url[0].replace(TRAILING, "");
      var link = linkFor(raw);
      return link ? { start: url.index, end: url.index + raw.length, label: raw, href: link.href, external: true }
                  : { skip: url.index + url[0].length };
    }
    if (phone) {
      var number = phone[3].trim();
      var start = phone.index + phone[0].lastIndexOf(phone[3]);
      var digits = number.replace(/[^\d+]/g, "");
      var sms = phone[1].toLowerCase() === "text";
      var href = sms ? "sms:" + digits + (phone[2] ? "?body=" + encodeURIComponent(phone[2]) : "") : "tel:" + digits;
      return { start: start, end: start + number.length, label: number, href: href, external: false };
    }
    return null;
  }

  /** Appends `text` to `parent` as text nodes; http(s) URLs and phone numbers become links, nothing
   *  else is markup. */
  function appendText(parent, text) {
    var last = 0, from = 0, link;
    while ((link = nextLink(text, from)) !== null) {
      if (link.skip) { from = link.skip; continue; }
      parent.appendChild(document.createTextNode(text.slice(last, link.start)));
      var a = el("a", "dsw-link", link.label);
      a.href = link.href;
      if (link.external) {
        a.target = "_blank";
        a.rel = "noopener noreferrer nofollow";
      }
      parent.appendChild(a);
      last = from = link.end;
    }
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  function telHref(number) {
    var digits = String(number).replace(/[^\d+]/g, "");
    return digits ? "tel:" + digits : null;
  }

  function makeStore(kind) {
    var area = null;
    try {
      area = kind === "local" ? window.localStorage : window.sessionStorage;
      area.setItem("dsw:probe", "1");
      area.removeItem("dsw:probe");
    } catch (e) { area = null; }
    var memory = {};
    var prefix = "dsw:" + server + ":";
    return {
      get: function (key, fallback) {
        try {
          var raw = area ? area.getItem(prefix + key) : memory[key];
          return raw == null ? fallback : JSON.parse(raw);
        } catch (e) { return fallback; }
      },
      set: function (key, value) {
        var raw = JSON.stringify(value);
        try { if (area) area.setItem(prefix + key, raw); else memory[key] = raw; } catch (e) { memory[key] = raw; }
      },
      remove: function (key) {
        try { if (area) area.removeItem(prefix + key); } catch (e) { /* ignore */ }
        delete memory[key];
      }
    };
  }

  function browserLocale() {
    return (navigator.languages && navigator.languages[0]) || navigator.language || "";
  }

  function browserTimeZone() {
    try { return Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { return ""; }
  }

  /** The country whose crisis line to show: from the browser's languages, then its time zone. */
  function detectCountry(helplines) {
    var countries = helplines.countries || {};
    var byLocale = {}, byZone = {};
    Object.keys(countries).forEach(function (code) {
      (countries[code].locales || []).forEach(function (l) { byLocale[l.toLowerCase()] = code; });
      (countries[code].time_zones || []).forEach(function (z) { byZone[z] = code; });
    });
    var langs = (navigator.languages && navigator.languages.length) ? navigator.languages : [navigator.language];
    for (var i = 0; i < langs.length; i++) {
      if (!langs[i]) continue;
      var locale = String(langs[i]).replace(/_/g, "-").toLowerCase();
      if (byLocale[locale]) return byLocale[locale];
      var parts = locale.split("-");
      var region = parts.length > 1 ? parts[parts.length - 1].toUpperCase() : null;
      if (region && countries[region]) return region;
    }
    return byZone[browserTimeZone()] || null;
  }

  /** Adds the widget's stylesheet (unless the page has it already), then calls `done`. */
  function loadCss(href, done) {
    var links = document.querySelectorAll('link[rel="stylesheet"]');
    for (var i = 0; i < links.length; i++) if (links[i].href === href) return done();
    var link = document.createElement("link");
    var called = false;
    function once() { if (!called) { called = true; done(); } }
    link.rel = "stylesheet";
    link.href = href;
    link.onload = once;
    link.onerror = once;
    setTimeout(once, 3000);  // never let a slow stylesheet keep the crisis line from showing
    document.head.appendChild(link);
  }

  /** Loads our socket.io client without disturbing another `io` the host page may have. */
  function loadSocketClient(done, failed) {
    var had = Object.prototype.hasOwnProperty.call(window, "io");
    var previous = window.io;
    var tag = document.createElement("script");
    tag.src = base + "/socket.io.min.js";
    tag.async = true;
    tag.onload = function () {
      var ours = window.io;
      if (had) window.io = previous; else { try { delete window.io; } catch (e) { window.io = undefined; } }
      if (typeof ours === "function") done(ours); else failed();
    };
    tag.onerror = failed;
    document.head.appendChild(tag);
  }

  // ---- the widget ---------------------------------------------------------------------------

  function Widget() {
    this.store = makeStore(opts.storage === "local" ? "local" : "session");
    this.token = this.store.get("token", null);
    this.entries = this.store.get("entries", []);
    this.outbox = this.store.get("outbox", []);
    this.country = this.store.get("country", null);
    this.helplines = this.store.get("helplines", FALLBACK_HELPLINES);
    this.helplinesWaiting = [];  // run once the crisis lines are fetched (or could not be)
    this.initPayload = opts.initPayload == null ? "/greet" : opts.initPayload;
    this.socket = null;
    this.ready = false;
    this.sending = false;
    this.everConnected = false;
    this.typingTimer = null;
    this.retryTimer = null;
    this.container = opts.container ? document.querySelector(opts.container) : null;
    var queued = {};
    this.outbox.forEach(function (m) { queued[m.id] = true; });
    this.entries.forEach(function (e) { if (queued[e.id]) e.state = "pending"; });
    this.build();
    this.renderCrisis();
    this.renderAll();
    this.fetchHelplines();
    this.connect();
  }

  Widget.prototype.build = function () {
    var self = this;
    var floating = !this.container;
    var root = this.root = el("section", "dsw " + (floating ? "dsw-floating" : "dsw-inline"));
    if (floating) root.hidden = !this.store.get("open", false);

    var header = el("header", "dsw-header");
    var title = el("h2", "dsw-title", opts.title);
    title.id = "dsw-title-" + uid();
    root.setAttribute("aria-labelledby", title.id);
    header.appendChild(title);
    this.clearButton = button("dsw-clear dsw-secondary", "Delete conversation");
    this.clearButton.addEventListener("click", function () { self.askClear(); });
    header.appendChild(this.clearButton);
    if (floating || framed) {
      var close = button("dsw-close", "\u00d7", "Close chat");
      close.addEventListener("click", function () { self.setOpen(false); });
      header.appendChild(close);
    }
    root.appendChild(header);
    if (framed) {
      root.addEventListener("keydown", function (event) {
        if (event.key === "Escape") self.setOpen(false);
      });
      window.addEventListener("message", function (event) {
        if (event.source === window.parent && event.data && event.data.dsw === "open") {
          self.input.focus();
          self.scrollDown();
        }
      });
    }

    this.crisis = el("div", "dsw-crisis");
    this.crisis.setAttribute("role", "region");
    this.crisis.setAttribute("aria-label", "Crisis line");
    root.appendChild(this.crisis);

    this.confirm = el("div", "dsw-confirm");
    this.confirm.hidden = true;
    this.confirm.setAttribute("role", "group");
    this.confirm.setAttribute("aria-label", "Delete conversation");
    var question = el("p", null, "Delete this conversation? It will be erased from this browser and from " +
      "the assistant's records. This can't be undone.");
    var yes = button("dsw-primary", "Yes, delete it");
    var no = button("dsw-secondary", "Cancel");
    yes.addEventListener("click", function () { self.forget(); });
    no.addEventListener("click", function () { self.confirm.hidden = true; self.clearButton.focus(); });
    this.confirm.appendChild(question);
    this.confirm.appendChild(yes);
    this.confirm.appendChild(no);
    root.appendChild(this.confirm);

    this.log = el("ol", "dsw-log");
    this.log.setAttribute("aria-label", "Conversation");
    this.log.tabIndex = 0;
    root.appendChild(this.log);

    this.typing = el("div", "dsw-typing");
    this.typing.hidden = true;
    this.typing.setAttribute("aria-hidden", "true");
    this.typing.appendChild(el("span", "dsw-dot"));
    this.typing.appendChild(el("span", "dsw-dot"));
    this.typing.appendChild(el("span", "dsw-dot"));
    this.typing.appendChild(el("span", "dsw-typing-text", "The assistant is typing\u2026"));
    root.appendChild(this.typing);

    this.status = el("p", "dsw-status");
    this.status.setAttribute("role", "status");
    root.appendChild(this.status);

    // New bot messages are read out from here; the log itself stays quiet so that restoring the
    // history after a reload does not read everything again.
    this.live = el("div", "dsw-sr");
    this.live.setAttribute("aria-live", "polite");
    this.live.setAttribute("aria-relevant", "additions");
    root.appendChild(this.live);

    var form = this.form = el("form", "dsw-composer");
    var inputId = "dsw-input-" + uid();
    var label = el("label", "dsw-sr", "Your message");
    label.htmlFor = inputId;
    var input = this.input = el("textarea", "dsw-input");
    input.id = inputId;
    input.rows = 1;
    input.maxLength = MAX_CHARS;
    input.placeholder = "Type a message";
    input.setAttribute("autocomplete", "off");
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        self.submit();
      }
    });
    var send = button("dsw-send dsw-primary", "Send");
    send.type = "submit";
    form.appendChild(label);
    form.appendChild(input);
    form.appendChild(send);
    form.addEventListener("submit", function (event) { event.preventDefault(); self.submit(); });
    root.appendChild(form);

    root.appendChild(el("p", "dsw-note",
      "An automated support tool, not a therapist or an emergency service."));

    if (floating) {
      root.addEventListener("keydown", function (event) {
        if (event.key === "Escape") self.setOpen(false);
      });
      this.launcherBox = el("div", "dsw-launcher-box");
      this.crisisPill = el("p", "dsw-crisis-pill");
      this.launcher = button("dsw-launcher dsw-primary", "Chat with us");
      this.launcher.setAttribute("aria-expanded", String(!root.hidden));
      this.launcher.addEventListener("click", function () { self.setOpen(root.hidden); });
      this.launcherBox.appendChild(this.crisisPill);
      this.launcherBox.appendChild(this.launcher);
      document.body.appendChild(this.launcherBox);
      document.body.appendChild(root);
      this.launcherBox.hidden = !root.hidden;
    } else {
      this.container.appendChild(root);
    }
  };

  Widget.prototype.setOpen = function (open) {
    if (framed && !open) {  // the page around the frame closes it; the message carries nothing else
      window.parent.postMessage({ dsw: "close" }, "*");
      return;
    }
    if (!this.launcher) return;
    this.root.hidden = !open;
    this.launcherBox.hidden = open;
    this.launcher.setAttribute("aria-expanded", String(open));
    this.store.set("open", open);
    if (open) { this.input.focus(); this.scrollDown(); } else { this.launcher.focus(); }
  };

  // ---- the crisis line ------------------------------------------------------------------------

  Widget.prototype.fetchHelplines = function () {
    var self = this;
    if (!window.fetch) return this.helplinesSettled();
    setTimeout(function () { self.helplinesSettled(); }, 3000);  // a slow fetch never holds the chat
    fetch(base + "/helplines.json", { credentials: "omit" })
      .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
      .then(function (json) {
        if (!json || !json.countries) return;
        self.helplines = json;
        self.store.set("helplines", json);
        self.renderCrisis();
      })
      .catch(function () { /* keep the stored or built-in line */ })
      .then(function () { self.helplinesSettled(); });
  };

  Widget.prototype.helplinesSettled = function () {
    var waiting = this.helplinesWaiting;
    this.helplinesWaiting = null;
    (waiting || []).forEach(function (fn) { fn(); });
  };

  /** Runs `fn` once the crisis lines are known, so the greeting carries the country they show. */
  Widget.prototype.whenHelplines = function (fn) {
    if (this.helplinesWaiting) this.helplinesWaiting.push(fn); else fn();
  };

  Widget.prototype.currentCountry = function () {
    var countries = this.helplines.countries || {};
    if (this.country && countries[this.country]) return this.country;
    if (this.country === "other") return null;
    return detectCountry(this.helplines);
  };

  function callLink(number, words) {
    var href = telHref(number);
    if (!href) return document.createTextNode(words);
    var a = el("a", "dsw-tel", words);
    a.href = href;
    return a;
  }

  Widget.prototype.crisisContent = function (target, compact) {
    var code = this.currentCountry();
    var c = code ? this.helplines.countries[code] : null;
    target.textContent = "";
    target.appendChild(el("strong", null, compact ? "In crisis? " : "Need to talk now? "));
    if (c && c.line) {
      var line = c.line;
      target.appendChild(document.createTextNode(line.name + ": "));
      if (line.call) target.appendChild(callLink(line.call, "call " + line.call));
      if (line.call && line.text) target.appendChild(document.createTextNode(" or "));
      if (line.text) target.appendChild(document.createTextNode(
        /^text /i.test(line.text) ? line.text : "text " + line.text));
      if (line.hours) target.appendChild(document.createTextNode(" (" + line.hours + ")"));
      target.appendChild(document.createTextNode(". Emergency: "));
      target.appendChild(callLink(c.emergency, c.emergency));
      target.appendChild(document.createTextNode("."));
      if (!compact && c.text_line && c.text_line.text) {
        target.appendChild(document.createTextNode(" To text instead: " + c.text_line.name + ", " +
          (/^text /i.test(c.text_line.text) ? c.text_line.text : "text " + c.text_line.text) + "."));
      }
    } else {
      var intl = this.helplines.international || FALLBACK_HELPLINES.international;
      target.appendChild(document.createTextNode("Find a free, confidential helpline near you at "));
      var a = el("a", "dsw-link", intl.url.replace(/^https?:\/\//, ""));
      a.href = intl.url;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      target.appendChild(a);
      target.appendChild(document.createTextNode(". In an emergency, call your local emergency number."));
    }
    return c;
  };

  Widget.prototype.renderCrisis = function () {
    var self = this;
    var box = this.crisis;
    box.textContent = "";
    var text = el("p", "dsw-crisis-text");
    var c = this.crisisContent(text, false);
    box.appendChild(text);

    var countries = this.helplines.countries || {};
    var codes = Object.keys(countries);
    if (codes.length) {
      var change = button("dsw-linkish", c ? "Change country (" + c.name + ")" : "Choose your country");
      var pick = el("div", "dsw-country");
      pick.hidden = true;
      var selectId = "dsw-country-" + uid();
      var label = el("label", null, "Country for the crisis line");
      label.htmlFor = selectId;
      var select = el("select");
      select.id = selectId;
      codes.sort(function (a, b) { return countries[a].name.localeCompare(countries[b].name); });
      var current = this.currentCountry();
      codes.forEach(function (code) {
        var option = el("option", null, countries[code].name);
        option.value = code;
        if (code === current) option.selected = true;
        select.appendChild(option);
      });
      var other = el("option", null, "Another country");
      other.value = "other";
      if (!current) other.selected = true;
      select.appendChild(other);
      select.addEventListener("change", function () {
        self.country = select.value;
        self.store.set("country", select.value);
        self.renderCrisis();
        self.tellCountry(select.value);
        var again = self.crisis.querySelector(".dsw-linkish");
        if (again) again.focus();
      });
      change.setAttribute("aria-expanded", "false");
      change.addEventListener("click", function () {
        pick.hidden = !pick.hidden;
        change.setAttribute("aria-expanded", String(!pick.hidden));
        if (!pick.hidden) select.focus();
      });
      pick.appendChild(label);
      pick.appendChild(select);
      box.appendChild(change);
      box.appendChild(pick);
    }
    if (this.crisisPill) this.crisisContent(this.crisisPill, true);
  };

  // ---- the conversation -----------------------------------------------------------------------

  Widget.prototype.save = function () {
    if (this.entries.length > MAX_ENTRIES) this.entries = this.entries.slice(-MAX_ENTRIES);
    this.store.set("entries", this.entries);
    this.store.set("outbox", this.outbox);
    if (this.token) this.store.set("token", this.token); else this.store.remove("token");
  };

  Widget.prototype.renderEntry = function (entry) {
    var item = el("li", "dsw-msg dsw-from-" + (entry.from === "user" ? "user" : "bot"));
    item.dataset.id = entry.id;
    item.appendChild(el("span", "dsw-sr", entry.from === "user" ? "You said: " : "The assistant said: "));
    var bubble = el("div", "dsw-bubble");
    appendText(bubble, entry.text);
    item.appendChild(bubble);
    if (entry.state === "pending") {
      item.appendChild(el("span", "dsw-msg-state", "Not sent yet: it will be sent when the connection is back."));
    } else if (entry.state === "failed") {
      item.appendChild(el("span", "dsw-msg-state", "This message could not be sent" +
        (entry.reason ? " (" + entry.reason + ")" : "") + "."));
    }
    return item;
  };

  Widget.prototype.renderReplies = function () {
    var self = this;
    var old = this.root.querySelectorAll(".dsw-replies");
    for (var i = 0; i < old.length; i++) old[i].parentNode.removeChild(old[i]);
    // The buttons of the bot's latest turn (a message after them, such as a reminder, keeps them).
    var buttons = null, source = null;
    for (var j = this.entries.length - 1; j >= 0 && this.entries[j].from === "bot"; j--) {
      if (this.entries[j].buttons && this.entries[j].buttons.length) { source = this.entries[j]; break; }
    }
    // A crisis question ("No, I'm not safe") stays until it is answered, even after the person types.
    if (!source) {
      for (var k = this.entries.length - 1; k >= 0; k--) {
        var entry = this.entries[k];
        if (entry.from !== "bot" || !entry.buttons || !entry.buttons.length) continue;
        if (!entry.answered && entry.buttons.some(function (b) { return CRISIS_PAYLOAD.test(b.payload); })) source = entry;
        break;
      }
    }
    if (!source) return;
    buttons = source.buttons;
    var group = el("div", "dsw-replies");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "Suggested replies");
    buttons.forEach(function (b) {
      var quick = button("dsw-reply", b.title);
      quick.addEventListener("click", function () {
        source.answered = true;
        self.send(b.payload, b.title);
        self.input.focus();
      });
      group.appendChild(quick);
    });
    var item = this.log.lastElementChild;
    if (item) item.appendChild(group);
  };

  Widget.prototype.renderAll = function () {
    var self = this;
    this.log.textContent = "";
    this.entries.forEach(function (entry) { self.log.appendChild(self.renderEntry(entry)); });
    this.renderReplies();
    this.scrollDown();
  };

  Widget.prototype.scrollDown = function () {
    this.log.scrollTop = this.log.scrollHeight;
  };

  Widget.prototype.addEntry = function (entry) {
    this.entries.push(entry);
    this.save();
    this.log.appendChild(this.renderEntry(entry));
    this.renderReplies();
    this.scrollDown();
  };

  Widget.prototype.updateEntry = function (id, changes) {
    for (var i = 0; i < this.entries.length; i++) {
      if (this.entries[i].id !== id) continue;
      for (var key in changes) if (Object.prototype.hasOwnProperty.call(changes, key)) this.entries[i][key] = changes[key];
      var node = this.log.querySelector('[data-id="' + id + '"]');
      if (node) node.parentNode.replaceChild(this.renderEntry(this.entries[i]), node);
      this.renderReplies();
      this.save();
      return;
    }
  };

  Widget.prototype.announce = function (text) {
    var p = el("p", null, "The assistant said: " + text);
    this.live.appendChild(p);
    while (this.live.childNodes.length > 3) this.live.removeChild(this.live.firstChild);
  };

  Widget.prototype.submit = function () {
    var text = this.input.value.trim();
    if (!text) return;
    this.input.value = "";
    this.send(text, text);
  };

  /** Shows `shown` as the person's message and sends `message` (a button's payload, or the text). */
  Widget.prototype.send = function (message, shown) {
    var id = uid();
    this.addEntry({ id: id, from: "user", text: shown, state: this.ready ? "sending" : "pending" });
    this.outbox.push({ id: id, message: message });
    this.save();
    this.flush();
  };

  Widget.prototype.metadata = function () {
    return { locale: browserLocale(), time_zone: browserTimeZone() };
  };

  /** Sends queued messages in order, one at a time, each confirmed by the server. */
  Widget.prototype.flush = function () {
    var self = this;
    if (!this.ready || this.sending || !this.outbox.length || !this.socket) return;
    var item = this.outbox[0];
    this.sending = true;
    var socket = this.socket;
    this.showTyping(true);  // until the server's bot_done, which may come before the acknowledgement
    socket.timeout(ACK_TIMEOUT_MS).emit("user_uttered",
      { message: item.message, metadata: this.metadata() },
      function (err, ack) {
        self.sending = false;
        if (socket !== self.socket) return;
        if (err) {  // no answer: keep it queued and try again
          self.showTyping(false);
          clearTimeout(self.retryTimer);
          self.retryTimer = setTimeout(function () { self.flush(); }, 3000);
          return;
        }
        if (ack && ack.ok === false && ack.error === "busy") {  // still answering: send it again soon
          self.showTyping(false);
          clearTimeout(self.retryTimer);
          self.retryTimer = setTimeout(function () { self.flush(); }, 2000);
          return;
        }
        if (ack && ack.ok === false && ack.error === "no_session") {
          self.showTyping(false);
          self.ready = false;
          self.requestSession();
          return;
        }
        self.outbox.shift();
        if (ack && ack.ok === false) {
          self.showTyping(false);
          var reasons = { too_long: "it is too long", rate_limited: "too many messages at once" };
          self.updateEntry(item.id, { state: "failed", reason: reasons[ack.error] || "" });
        } else if (!item.hidden) {
          self.updateEntry(item.id, { state: "sent" });
        }
        self.save();
        self.flush();
      });
  };

  Widget.prototype.showTyping = function (on) {
    var self = this;
    clearTimeout(this.typingTimer);
    this.typing.hidden = !on;
    if (on) {
      this.typingTimer = setTimeout(function () { self.typing.hidden = true; }, TYPING_TIMEOUT_MS);
      this.scrollDown();
    }
  };

  Widget.prototype.receive = function (message) {
    if (message && message.custom && message.custom.forgotten === true) { this.onForgotten(); return; }
    if (!message || typeof message.text !== "string" || !message.text.trim()) return;
    var buttons = (message.quick_replies || message.buttons || [])
      .filter(function (b) { return b && typeof b.title === "string" && typeof b.payload === "string"; })
      .map(function (b) { return { title: b.title, payload: b.payload }; });
    this.addEntry({ id: uid(), from: "bot", text: message.text, buttons: buttons });
    this.announce(message.text);
    if (!this.typing.hidden) this.showTyping(true);  // more may follow until bot_done
  };

  // ---- connection -----------------------------------------------------------------------------

  Widget.prototype.setStatus = function (text, kind) {
    this.status.textContent = text || "";
    this.status.className = "dsw-status" + (kind ? " dsw-status-" + kind : "");
    this.root.classList.toggle("dsw-offline", kind === "offline");
  };

  Widget.prototype.connect = function () {
    var self = this;
    this.setStatus("Connecting\u2026", "info");
    loadSocketClient(function (io) {
      var socket = self.socket = io(server, {
        path: "/webchat/socket.io",
        transports: ["websocket"],
        reconnection: true,
        reconnectionDelay: 1000,
        reconnectionDelayMax: 5000
      });
      socket.on("connect", function () {
        self.setStatus(self.everConnected ? "Connected again." : "", self.everConnected ? "info" : null);
        if (self.everConnected) setTimeout(function () {
          if (self.socket.connected && self.status.textContent === "Connected again.") self.setStatus("");
        }, 3000);
        self.everConnected = true;
        self.requestSession();
      });
      socket.on("session_confirm", function (payload) { self.onSession(payload); });
      socket.on("bot_uttered", function (message) { self.receive(message); });
      socket.on("bot_done", function () { self.showTyping(false); });
      socket.on("disconnect", function (reason) {
        self.ready = false;
        self.sending = false;
        self.outbox.forEach(function (m) { if (!m.hidden) self.updateEntry(m.id, { state: "pending" }); });
        self.showTyping(false);
        self.setStatus("Connection lost. Reconnecting\u2026 You can keep typing: your messages will be sent when it is back.", "offline");
        if (reason === "io server disconnect") socket.connect();
      });
      socket.on("connect_error", function () {
        self.ready = false;
        self.setStatus(self.everConnected
          ? "Connection lost. Reconnecting\u2026 You can keep typing: your messages will be sent when it is back."
          : "Cannot reach the assistant right now. Trying again\u2026", "offline");
      });
      window.addEventListener("online", function () { if (!socket.connected) socket.connect(); });
    }, function () {
      self.setStatus("The chat could not load. Trying again\u2026", "offline");
      setTimeout(function () { self.connect(); }, 5000);
    });
  };

  Widget.prototype.requestSession = function () {
    if (this.socket) this.socket.emit("session_request", { session_id: this.token || null });
  };

  /** The conversation a session token names (the token also carries its expiry, renewed often). */
  function sessionOf(token) {
    return typeof token === "string" ? token.split(".")[0] : null;
  }

  Widget.prototype.onSession = function (payload) {
    var token = typeof payload === "string" ? payload : payload && payload.session_id;
    if (!token) return;
    if (sessionOf(token) !== sessionOf(this.token)) {
      // A new conversation: the server does not know the old one (or there was none). The same
      // conversation comes back with a renewed token: that keeps the transcript.
      var pending = {};
      this.outbox.forEach(function (m) { pending[m.id] = true; });
      this.entries = this.entries.filter(function (e) { return pending[e.id]; });
      this.token = token;
      this.renderAll();
    }
    this.token = token;
    this.ready = true;
    this.save();
    var self = this;
    this.entries.forEach(function (e) { if (e.state === "pending") self.updateEntry(e.id, { state: "sending" }); });
    if (!this.entries.length && !this.outbox.length && this.initPayload && this.store.get("greeted", null) !== sessionOf(token)) {
      this.store.set("greeted", sessionOf(token));
      this.whenHelplines(function () {
        // First in line, unless something typed meanwhile is already on its way.
        self.outbox.splice(self.sending ? 1 : 0, 0, { id: uid(), message: self.greeting(), hidden: true });
        self.save();
        self.flush();
      });
    }
    this.flush();
  };

  /** The init payload; an intent payload carries the country the crisis banner shows, because
   *  Rasa gives "/intent" messages no NLU, so the bot would not see the browser's locale otherwise. */
  Widget.prototype.greeting = function () {
    var code = this.currentCountry();
    if (code && /^\/[A-Za-z_]+$/.test(this.initPayload)) {
      return this.initPayload + JSON.stringify({ country_hint: code });
    }
    return this.initPayload;
  };

  /** A country chosen in the banner reaches the bot as its `country` slot (a hidden message): its
   *  crisis replies then name that country's line. */
  Widget.prototype.tellCountry = function (code) {
    if (!/^[A-Z]{2}$/.test(code || "")) return;
    this.outbox.push({ id: uid(), message: "/inform_country" + JSON.stringify({ country: code }), hidden: true });
    this.save();
    this.flush();
  };

  Widget.prototype.askClear = function () {
    this.confirm.hidden = false;
    this.confirm.querySelector("button").focus();
  };

  /** Asks the assistant to erase this conversation from its records (the same "forget" a person can
   *  type), and clears the copy kept in this browser at once. Messages not yet sent are dropped. */
  Widget.prototype.forget = function () {
    this.confirm.hidden = true;
    this.entries = [];
    this.outbox = [{ id: uid(), message: "/forget_confirmed", hidden: true }];
    this.save();
    this.showTyping(false);
    this.renderAll();
    this.flush();
    this.input.focus();
  };

  /** The assistant has erased the conversation: keep only its last message, which says so. */
  Widget.prototype.onForgotten = function () {
    var last = null;
    this.entries.forEach(function (e) { if (e.from === "bot") last = e; });
    this.entries = last ? [last] : [];
    this.save();
    this.renderAll();
  };

  // ---- on another site: the launcher and the crisis line here, the chat in a frame ------------

  function Host() {
    var self = this;
    this.store = makeStore("session");  // only whether the chat is open, and the public helplines
    this.country = null;
    this.helplines = this.store.get("helplines", FALLBACK_HELPLINES);
    this.helplinesWaiting = [];
    var frameUrl = base + "/frame?" + new URLSearchParams({
      title: opts.title, init: opts.initPayload == null ? "/greet" : opts.initPayload,
      storage: opts.storage === "local" ? "local" : "session"
    }).toString();
    this.frame = el("iframe", "dsw-frame");
    this.frame.title = opts.title;
    this.frame.src = frameUrl;
    this.frame.setAttribute("allow", "clipboard-write");
    this.launcherBox = el("div", "dsw-launcher-box");
    this.crisisPill = el("p", "dsw-crisis-pill");
    this.launcher = button("dsw-launcher dsw-primary", "Chat with us");
    this.launcher.addEventListener("click", function () { self.setOpen(true); });
    this.launcherBox.appendChild(this.crisisPill);
    this.launcherBox.appendChild(this.launcher);
    document.body.appendChild(this.launcherBox);
    document.body.appendChild(this.frame);
    window.addEventListener("message", function (event) {
      if (event.origin === serverOrigin && event.source === self.frame.contentWindow &&
          event.data && event.data.dsw === "close") self.setOpen(false);
    });
    this.setOpen(this.store.get("open", false), true);
    this.renderCrisis();
    this.fetchHelplines();
  }

  Host.prototype.setOpen = function (open, quietly) {
    this.frame.hidden = !open;
    this.launcherBox.hidden = open;
    this.launcher.setAttribute("aria-expanded", String(open));
    this.store.set("open", open);
    if (quietly) return;
    if (open) {
      this.frame.focus();
      this.frame.contentWindow.postMessage({ dsw: "open" }, serverOrigin);
    } else {
      this.launcher.focus();
    }
  };

  Host.prototype.renderCrisis = function () {
    this.crisisContent(this.crisisPill, true);
  };
  ["currentCountry", "crisisContent", "fetchHelplines", "helplinesSettled"].forEach(function (name) {
    Host.prototype[name] = Widget.prototype[name];
  });

  function start() {
    loadCss(base + "/widget.css", create);
  }

  function create() {
    var widget = hosted ? new Host() : new Widget();
    window.SupportChatWidget = window.SupportChatWidget || { widgets: [] };
    window.SupportChatWidget.widgets.push(widget);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
