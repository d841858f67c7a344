// The sandbox's Slack-like page. It shows the state the server streams (/api/stream) and posts
// what the person does (/api/...); every Slack rule lives in the Python sandbox, not here.
// App text reaches the DOM through textContent, or through mrkdwn(), which escapes first.
"use strict";

const S = {
  user: null, channel: null, thread: null, home: false,
  state: null, source: null, keys: {}, tz: "UTC",
};

// ---------------------------------------------------------------------------------------
// small helpers

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function escapeHtml(text) {
  return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

// Slack escapes only these three in message text; shown as the characters they stand for.
function unescapeSlack(text) {
  return String(text).replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

function safeUrl(url) {
  return /^(https?:|mailto:|tel:)/i.test(url) ? url : "#";
}

const EMOJI = {
  warning: "⚠️", white_check_mark: "✅", package: "📦", no_entry: "⛔", x: "❌", memo: "📝",
  thinking_face: "🤔", outbox_tray: "📤", mag: "🔍", information_source: "ℹ️",
  hourglass: "⌛", white_circle: "⚪", truck: "🚚", lock: "🔒",
  leftwards_arrow_with_hook: "↩️", incoming_envelope: "📨", hourglass_flowing_sand: "⏳",
  bell: "🔔", alarm_clock: "⏰", twisted_rightwards_arrows: "🔀", rotating_light: "🚨",
  red_circle: "🔴", raising_hand: "🙋", no_bell: "🔕", link: "🔗", large_yellow_circle: "🟡",
  large_orange_circle: "🟠", electric_plug: "🔌", arrows_counterclockwise: "🔄",
  large_green_circle: "🟢", heavy_check_mark: "✔️", eyes: "👀", tada: "🎉", bar_chart: "📊",
  chart_with_upwards_trend: "📈", calendar: "📆", money_with_wings: "💸", star: "⭐",
  speech_balloon: "💬", email: "📧", clipboard: "📋", pushpin: "📌", wave: "👋",
};

function emojify(html) {
  return html.replace(/:([a-z0-9_+-]+):/g, (m, name) => EMOJI[name] || m);
}

function nameOf(id) {
  return (S.state && S.state.names && S.state.names[id]) || id;
}

// ---------------------------------------------------------------------------------------
// dates, in the viewer's zone (their Slack profile's tz)

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
  "September", "October", "November", "December"];

function parts(date, tz) {
  const fmt = new Intl.DateTimeFormat("en-US", {
    timeZone: tz, year: "numeric", month: "numeric", day: "numeric", weekday: "long",
    hour: "numeric", minute: "2-digit", second: "2-digit", hour12: true,
  });
  const out = {};
  for (const p of fmt.formatToParts(date)) out[p.type] = p.value;
  return out;
}

function ordinal(n) {
  const s = ["th", "st", "nd", "rd"], v = n % 100;
  return n + (s[(v - 20) % 10] || s[v] || s[0]);
}

function dayDiff(date, tz) {
  const key = (d) => { const p = parts(d, tz); return Date.UTC(+p.year, +p.month - 1, +p.day); };
  return Math.round((key(new Date()) - key(date)) / 86400000);
}

function formatDate(seconds, format, tz) {
  const date = new Date(seconds * 1000);
  const p = parts(date, tz);
  const month = MONTHS[+p.month - 1];
  const pretty = (text) => {
    const diff = dayDiff(date, tz);
    return diff === 0 ? "Today" : diff === 1 ? "Yesterday" : diff === -1 ? "Tomorrow" : text;
  };
  const tokens = {
    date_num: `${p.year}-${p.month.padStart(2, "0")}-${p.day.padStart(2, "0")}`,
    date: `${month} ${ordinal(+p.day)}, ${p.year}`,
    date_short: `${month.slice(0, 3)} ${+p.day}, ${p.year}`,
    date_long: `${p.weekday}, ${month} ${ordinal(+p.day)}, ${p.year}`,
    time: `${p.hour}:${p.minute} ${p.dayPeriod}`,
    time_secs: `${p.hour}:${p.minute}:${p.second} ${p.dayPeriod}`,
  };
  tokens.date_pretty = pretty(tokens.date);
  tokens.date_short_pretty = pretty(tokens.date_short);
  tokens.date_long_pretty = pretty(tokens.date_long);
  const ago = Math.round((Date.now() - date.getTime()) / 1000);
  tokens.ago = ago < 60 ? "just now" : ago < 3600 ? `${Math.round(ago / 60)} minutes ago`
    : ago < 86400 ? `${Math.round(ago / 3600)} hours ago` : `${Math.round(ago / 86400)} days ago`;
  return format.replace(/\{(\w+)\}/g, (m, name) => (name in tokens ? tokens[name] : m));
}

function clockTime(ts) {
  const p = parts(new Date(parseFloat(ts) * 1000), S.tz);
  return `${p.hour}:${p.minute} ${p.dayPeriod}`;
}

// ---------------------------------------------------------------------------------------
// mrkdwn, as Slack shows it: control sequences <…>, code, then *bold* _italic_ ~strike~,
// > quotes. Everything is HTML-escaped before any markup is added.

function mrkdwn(source, opts) {
  const tz = (opts && opts.tz) || S.tz;
  const held = [];
  const hold = (html) => `\u0000${held.push(html) - 1}\u0000`;
  let text = String(source || "").replace(/\u0000/g, "");
  text = text.replace(/```([\s\S]*?)```/g, (m, code) =>
    hold(`<pre>${escapeHtml(unescapeSlack(code.replace(/^\n/, "")))}</pre>`));
  text = text.replace(/`([^`\n]+)`/g, (m, code) =>
    hold(`<code>${escapeHtml(unescapeSlack(code))}</code>`));
  text = text.replace(/<([^<>\n]+)>/g, (m, inner) => hold(control(inner, tz)));
  text = escapeHtml(unescapeSlack(text));
  const before = "(^|[\\s(\\[{'\"\u0000.,;:!?-])";
  const after = "(?=$|[\\s)\\]}'\"\u0000.,;:!?-])";
  for (const [mark, tag] of [["\\*", "b"], ["_", "i"], ["~", "s"]]) {
    const re = new RegExp(`${before}${mark}(?!\\s)([^\\n]*?[^\\s])${mark}${after}`, "g");
    text = text.replace(re, (m, lead, inner) => `${lead}<${tag}>${inner}</${tag}>`);
  }
  text = emojify(text);
  const lines = text.split("\n");
  const out = [];
  let quote = [];
  const flush = () => {
    if (quote.length) out.push(`<blockquote>${quote.join("<br>")}</blockquote>`);
    quote = [];
  };
  for (const line of lines) {
    const m = /^&gt;\s?(.*)$/.exec(line);
    if (m) { quote.push(m[1]); continue; }
    flush();
    out.push(line);
  }
  flush();
  let html = out.join("\n").replace(/\n/g, "<br>").replace(/<\/blockquote><br>/g, "</blockquote>");
  for (let i = 0; i < 3 && html.includes("\u0000"); i++) {
    html = html.replace(/\u0000(\d+)\u0000/g, (m, n) => held[+n]);
  }
  return html;
}

function control(inner, tz) {
  const [target, ...rest] = inner.split("|");
  const label = rest.join("|");
  if (target.startsWith("@")) {
    const id = target.slice(1);
    const me = S.state && S.state.me && S.state.me.id === id ? " me" : "";
    return `<span class="mention${me}" data-user-id="${escapeHtml(id)}">@${
      escapeHtml(nameOf(id) !== id ? nameOf(id) : unescapeSlack(label) || id)}</span>`;
  }
  if (target.startsWith("#")) {
    const id = target.slice(1);
    const shown = nameOf(id) !== id ? nameOf(id) : unescapeSlack(label) || id;
    return `<span class="mention" data-channel-id="${escapeHtml(id)}">#${escapeHtml(shown)}</span>`;
  }
  if (target.startsWith("!date^")) {
    const [, seconds, format, link] = target.split("^");
    const value = Number(seconds);
    if (!Number.isFinite(value) || !format) return escapeHtml(unescapeSlack(label));
    const shown = escapeHtml(formatDate(value, unescapeSlack(format), tz));
    return link ? `<a href="${escapeHtml(safeUrl(unescapeSlack(link)))}" target="_blank" rel="noopener">${shown}</a>`
      : `<time datetime="${new Date(value * 1000).toISOString()}">${shown}</time>`;
  }
  if (target.startsWith("!")) {
    const word = target.slice(1).split("^")[0];
    return `<span class="mention">@${escapeHtml(label ? unescapeSlack(label) : word)}</span>`;
  }
  const url = unescapeSlack(target);
  const shown = label ? escapeHtml(unescapeSlack(label)) : escapeHtml(url.replace(/^mailto:/, ""));
  return `<a href="${escapeHtml(safeUrl(url))}" target="_blank" rel="noopener noreferrer">${shown}</a>`;
}

function textObj(obj, opts) {
  // A Block Kit text object: mrkdwn through the renderer, plain_text escaped (with emoji).
  const span = el("span", { class: "text" });
  if (!obj) return span;
  if (obj.type === "mrkdwn") span.innerHTML = mrkdwn(obj.text, opts);
  else span.innerHTML = emojify(escapeHtml(obj.text || ""));
  return span;
}

function plain(obj) {
  return obj ? String(obj.text || "").replace(/:([a-z0-9_+-]+):/g, (m, n) => EMOJI[n] || m) : "";
}

// ---------------------------------------------------------------------------------------
// Block Kit

function renderBlocks(blocks, ctx) {
  return (blocks || []).map((block) => renderBlock(block, ctx));
}

function renderBlock(block, ctx) {
  const type = block.type;
  const node = el("div", { class: `block block-${type}`, "data-block-type": type,
    "data-block-id": block.block_id || "" });
  const render = BLOCKS[type];
  if (render) render(node, block, ctx);
  else node.append(el("div", { class: "block-unknown", text: `[${type} block]` }));
  return node;
}

const BLOCKS = {
  section(node, block, ctx) {
    const main = el("div", { class: "section-main" });
    if (block.text) main.append(el("div", { class: "msg-text" }, textObj(block.text, ctx)));
    if (block.fields) {
      main.append(el("div", { class: "fields" },
        block.fields.map((f) => el("div", { class: "field" }, textObj(f, ctx)))));
    }
    node.append(main);
    if (block.accessory) {
      node.append(el("div", { class: "accessory" }, renderElement(block.accessory, block, ctx)));
    }
  },
  context(node, block, ctx) {
    for (const item of block.elements || []) {
      if (item.type === "image") {
        node.append(el("img", { src: item.image_url, alt: item.alt_text || "" }));
      } else node.append(textObj(item, ctx));
    }
  },
  divider(node) {
    node.append(el("hr", { class: "block-divider" }));
  },
  header(node, block) {
    node.textContent = plain(block.text);
  },
  actions(node, block, ctx) {
    for (const item of block.elements || []) node.append(renderElement(item, block, ctx));
  },
  input(node, block, ctx) {
    const error = ctx.errors && ctx.errors[block.block_id];
    node.append(el("label", { class: "input-label" }, plain(block.label),
      block.optional ? el("span", { class: "input-optional", text: " (optional)" }) : null));
    node.append(renderElement(block.element || {}, block, ctx));
    if (block.hint) node.append(el("div", { class: "input-hint", text: plain(block.hint) }));
    if (error) {
      node.classList.add("has-error");
      node.append(el("div", { class: "field-error", "data-testid": "field-error", text: error }));
    }
  },
  image(node, block) {
    if (block.title) node.append(el("div", { class: "image-title", text: plain(block.title) }));
    node.append(el("img", { src: block.image_url || (block.slack_file && block.slack_file.url) || "",
      alt: block.alt_text || "" }));
  },
  rich_text(node, block) {
    for (const item of block.elements || []) node.append(richItem(item));
  },
};

function richItem(item) {
  if (item.type === "rich_text_list") {
    const list = el(item.style === "ordered" ? "ol" : "ul", { class: "rt-list" });
    for (const sub of item.elements || []) list.append(el("li", {}, richInline(sub.elements)));
    return list;
  }
  if (item.type === "rich_text_quote") return el("blockquote", {}, richInline(item.elements));
  if (item.type === "rich_text_preformatted") {
    return el("pre", { text: (item.elements || []).map((e) => e.text || e.url || "").join("") });
  }
  return el("div", { class: "rt-section" }, richInline(item.elements));
}

function richInline(elements) {
  return (elements || []).map((e) => {
    let node;
    if (e.type === "link") {
      node = el("a", { href: safeUrl(e.url || ""), target: "_blank", rel: "noopener",
        text: e.text || e.url });
    } else if (e.type === "user") node = el("span", { class: "mention", text: `@${nameOf(e.user_id)}` });
    else if (e.type === "channel") node = el("span", { class: "mention", text: `#${nameOf(e.channel_id)}` });
    else if (e.type === "emoji") node = document.createTextNode(EMOJI[e.name] || `:${e.name}:`);
    else if (e.type === "date") {
      node = el("time", { text: formatDate(e.timestamp, e.format || "{date_short}", S.tz) });
    } else {
      const text = e.text || "";
      const parts_ = text.split("\n");
      node = document.createDocumentFragment();
      parts_.forEach((p, i) => { if (i) node.append(el("br")); node.append(p); });
    }
    const style = e.style || {};
    if (style.code) node = el("code", {}, node);
    if (style.bold) node = el("b", {}, node);
    if (style.italic) node = el("i", {}, node);
    if (style.strike) node = el("s", {}, node);
    return node;
  });
}

// What the element holds now: the view's state (what was entered or submitted), else initial.
function stateOf(element, block, ctx) {
  const values = (ctx.state || {})[block.block_id] || {};
  return values[element.action_id] || null;
}

function optionList(element) {
  if (element.option_groups) {
    return element.option_groups.flatMap((g) => g.options || []);
  }
  return element.options || [];
}

function renderElement(element, block, ctx) {
  const type = element.type;
  const base = { "data-action-id": element.action_id || "", "data-element-type": type };
  const render = ELEMENTS[type];
  if (!render) return el("span", { ...base, class: "block-unknown", text: `[${type}]` });
  return render(element, block, ctx, base);
}

function firesAction(block, ctx) {
  // Elements outside input blocks send block_actions when used; inside an input block only
  // with dispatch_action (else their value goes with the modal's submission).
  return ctx.live && (block.type !== "input" || block.dispatch_action);
}

function act(element, block, ctx, value) {
  const body = { action_id: element.action_id, block_id: block.block_id, value };
  if (ctx.view_id) body.view_id = ctx.view_id;
  else body.ts = ctx.ts;
  return withConfirm(element.confirm, () => post("action", body));
}

const ELEMENTS = {
  button(element, block, ctx, base) {
    const button = el("button", { ...base, type: "button", class: "bk-button",
      "data-style": element.style || null, "data-value": element.value || null },
      plain(element.text));
    button.addEventListener("click", () => {
      if (element.url) window.open(safeUrl(element.url), "_blank", "noopener");
      if (ctx.live) act(element, block, ctx, element.value ?? null);
    });
    return button;
  },
  workflow_button(element, block, ctx, base) {
    return ELEMENTS.button(element, block, ctx, base);
  },
  static_select(element, block, ctx, base) {
    const held = stateOf(element, block, ctx);
    const chosen = held ? held.selected_option : element.initial_option;
    const select = el("select", { ...base, class: "bk-select" });
    select.append(el("option", { value: "", text: plain(element.placeholder) || "Select an item" }));
    const groups = element.option_groups || [{ options: element.options || [] }];
    for (const group of groups) {
      const parent = group.label ? el("optgroup", { label: plain(group.label) }) : select;
      for (const option of group.options || []) {
        parent.append(el("option", { value: option.value, text: plain(option.text),
          selected: chosen && chosen.value === option.value }));
      }
      if (parent !== select) select.append(parent);
    }
    select.addEventListener("change", () => {
      if (firesAction(block, ctx) && select.value) {
        act(element, block, ctx, select.value).then((done) => { if (!done) select.value = ""; });
      }
    });
    return select;
  },
  multi_static_select(element, block, ctx, base) {
    const held = stateOf(element, block, ctx);
    const chosen = new Set(((held ? held.selected_options : element.initial_options) || [])
      .map((o) => o.value));
    const select = el("select", { ...base, class: "bk-select", multiple: true });
    for (const option of optionList(element)) {
      select.append(el("option", { value: option.value, text: plain(option.text),
        selected: chosen.has(option.value) }));
    }
    select.addEventListener("change", () => {
      if (firesAction(block, ctx)) {
        act(element, block, ctx, [...select.selectedOptions].map((o) => o.value));
      }
    });
    return select;
  },
  external_select(element, block, ctx, base) {
    const held = stateOf(element, block, ctx);
    const chosen = held ? held.selected_option : element.initial_option;
    const wrap = el("span", { ...base, class: "bk-external" });
    const search = el("input", { type: "search", class: "bk-input",
      placeholder: plain(element.placeholder) || "Type to search", "aria-label": "search" });
    const select = el("select", { class: "bk-select", "data-external-options": "" });
    select.append(el("option", { value: "", text: "—" }));
    if (chosen) {
      select.append(el("option", { value: chosen.value, text: plain(chosen.text), selected: true }));
    }
    const options = new Map(chosen ? [[chosen.value, chosen]] : []);
    const load = async () => {
      if (!ctx.view_id) return;
      if (search.value.length < (element.min_query_length ?? 0)) return;
      const answer = await post("options", { action_id: element.action_id, view_id: ctx.view_id,
        value: search.value });
      if (!answer) return;
      const keep = select.value;
      select.replaceChildren(el("option", { value: "", text: "—" }));
      options.clear();
      const all = [...(answer.options || []),
        ...(answer.option_groups || []).flatMap((g) => g.options || [])];
      for (const option of all) {
        options.set(option.value, option);
        select.append(el("option", { value: option.value, text: plain(option.text),
          selected: option.value === keep }));
      }
    };
    let timer = null;
    search.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(load, 250); });
    select.addEventListener("focus", () => { if (options.size <= 1) load(); }, { once: true });
    select.addEventListener("change", () => {
      if (firesAction(block, ctx) && select.value) act(element, block, ctx, options.get(select.value));
    });
    wrap.chosen = () => options.get(select.value) || null;
    wrap.choose = (option) => {
      if (!option) return;
      if (!options.has(option.value)) {
        options.set(option.value, option);
        select.append(el("option", { value: option.value, text: plain(option.text) }));
      }
      select.value = option.value;
    };
    wrap.append(search, select);
    return wrap;
  },
  overflow(element, block, ctx, base) {
    const wrap = el("span", { ...base, class: "bk-overflow" });
    const toggle = el("button", { type: "button", class: "bk-button", "aria-label": "More actions",
      "aria-haspopup": "menu", text: "⋯" });
    const menu = el("div", { class: "bk-overflow-menu", role: "menu", hidden: true });
    for (const option of element.options || []) {
      menu.append(el("button", { type: "button", role: "menuitem", "data-value": option.value,
        text: plain(option.text), onclick: () => {
          menu.hidden = true;
          if (ctx.live) act(element, block, ctx, option.value);
        } }));
    }
    toggle.addEventListener("click", () => { menu.hidden = !menu.hidden; });
    wrap.append(toggle, menu);
    return wrap;
  },
  datepicker(element, block, ctx, base) {
    const held = stateOf(element, block, ctx);
    const input = el("input", { ...base, type: "date", class: "bk-date",
      value: (held ? held.selected_date : element.initial_date) || null });
    input.addEventListener("change", () => {
      if (firesAction(block, ctx) && input.value) act(element, block, ctx, input.value);
    });
    return input;
  },
  checkboxes(element, block, ctx, base) {
    const held = stateOf(element, block, ctx);
    const chosen = new Set(((held ? held.selected_options : element.initial_options) || [])
      .map((o) => o.value));
    return choices(element, block, ctx, base, "checkbox", chosen, (wrap) =>
      [...wrap.querySelectorAll("input:checked")].map((i) => i.value));
  },
  radio_buttons(element, block, ctx, base) {
    const held = stateOf(element, block, ctx);
    const option = held ? held.selected_option : element.initial_option;
    return choices(element, block, ctx, base, "radio", new Set(option ? [option.value] : []),
      (wrap) => { const on = wrap.querySelector("input:checked"); return on ? on.value : null; });
  },
  plain_text_input(element, block, ctx, base) {
    const held = stateOf(element, block, ctx);
    const value = held ? held.value : element.initial_value;
    const attrs = { ...base, class: "bk-input", placeholder: plain(element.placeholder) || null,
      maxlength: element.max_length || null };
    const input = element.multiline ? el("textarea", attrs) : el("input", { ...attrs, type: "text" });
    input.value = value || "";
    return input;
  },
  number_input(element, block, ctx, base) {
    const held = stateOf(element, block, ctx);
    const input = el("input", { ...base, type: "number", class: "bk-input",
      step: element.is_decimal_allowed ? "any" : "1", min: element.min_value ?? null,
      max: element.max_value ?? null, placeholder: plain(element.placeholder) || null });
    input.value = (held ? held.value : element.initial_value) || "";
    return input;
  },
  email_text_input(element, block, ctx, base) {
    return ELEMENTS.plain_text_input(element, block, ctx, base);
  },
  url_text_input(element, block, ctx, base) {
    return ELEMENTS.plain_text_input(element, block, ctx, base);
  },
  image(element) {
    return el("img", { src: element.image_url, alt: element.alt_text || "", class: "accessory-image",
      width: 72, height: 72 });
  },
};

let choiceGroup = 0;
function choices(element, block, ctx, base, kind, chosen, read) {
  const wrap = el("div", { ...base, class: "bk-choices", role: kind === "radio" ? "radiogroup" : "group" });
  const name = `choice-${++choiceGroup}`;
  for (const option of element.options || []) {
    const input = el("input", { type: kind, name, value: option.value,
      checked: chosen.has(option.value) });
    input.addEventListener("change", () => {
      if (firesAction(block, ctx)) act(element, block, ctx, read(wrap));
    });
    wrap.append(el("label", {}, input, el("span", {}, textObj(option.text, ctx),
      option.description ? el("div", { class: "choice-desc" }, textObj(option.description, ctx)) : null)));
  }
  wrap.read = () => read(wrap);
  return wrap;
}

// The value an input block's element holds in the page, as the submission sends it.
function valueOf(node) {
  const type = node.getAttribute("data-element-type");
  if (type === "checkboxes" || type === "radio_buttons") return node.read();
  if (type === "external_select") return node.chosen();
  if (type === "multi_static_select") return [...node.selectedOptions].map((o) => o.value);
  if (type === "static_select") return node.value || null;
  return node.value;
}

// ---------------------------------------------------------------------------------------
// confirm dialogs and toasts

function withConfirm(confirm, run) {
  if (!confirm) return Promise.resolve(run()).then(() => true);
  return new Promise((resolve) => {
    const layer = document.getElementById("confirm-layer");
    const done = (yes) => {
      layer.replaceChildren();
      if (yes) Promise.resolve(run()).then(() => resolve(true));
      else resolve(false);
    };
    const danger = confirm.style === "danger";
    layer.replaceChildren(el("div", { class: "overlay confirm" },
      el("div", { class: "modal", role: "alertdialog", "data-testid": "confirm" },
        el("div", { class: "modal-head" },
          el("h2", { class: "modal-title", text: plain(confirm.title) || "Are you sure?" })),
        el("div", { class: "modal-body" }, textObj(confirm.text)),
        el("div", { class: "modal-foot" },
          el("button", { type: "button", class: "bk-button", "data-testid": "confirm-no",
            onclick: () => done(false) }, plain(confirm.deny) || "Cancel"),
          el("button", { type: "button", class: "bk-button", "data-testid": "confirm-yes",
            "data-style": danger ? "danger" : "primary", onclick: () => done(true) },
          plain(confirm.confirm) || "Yes")))));
  });
}

function toast(text, error) {
  const note = el("div", { class: `toast${error ? " error" : ""}`, "data-testid": "toast",
    role: "status", text });
  document.getElementById("toasts").append(note);
  setTimeout(() => note.remove(), error ? 8000 : 5000);
}

// ---------------------------------------------------------------------------------------
// talking to the server

async function post(name, body) {
  let answer;
  S.actedAt = Date.now();
  try {
    const response = await fetch(`/api/${name}`, { method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ user: S.user, ...body }) });
    answer = await response.json();
  } catch (err) {
    toast(`the sandbox did not answer: ${err}`, true);
    return null;
  }
  if (!answer.ok) {
    toast(answer.error || "failed", true);
    return null;
  }
  if (answer.late) toast("the app did not answer in 3 s: Slack shows an error and ignores its answer", true);
  // A submission Slack's client refuses shows only under its fields, as in Slack.
  const refused = name === "view_submit" && answer.sent === false;
  for (const problem of refused ? [] : answer.problems || []) {
    if (!/^ack took/.test(problem)) toast(problem, true);
  }
  return answer;
}

function connect() {
  if (S.source) S.source.close();
  const query = new URLSearchParams({ user: S.user || "", channel: S.channel || "",
    thread: S.thread || "" });
  S.source = new EventSource(`/api/stream?${query}`);
  S.source.onmessage = (event) => render(JSON.parse(event.data));
}

// ---------------------------------------------------------------------------------------
// rendering the state

function changed(key, value) {
  const json = JSON.stringify(value);
  if (S.keys[key] === json) return false;
  S.keys[key] = json;
  return true;
}

function render(state) {
  S.state = state;
  S.user = state.me.id;
  S.tz = state.me.tz || "UTC";
  S.channel = state.channel;
  document.body.dataset.version = state.version;
  renderSwitcher(state);
  renderSidebar(state);
  renderMain(state);
  renderThread(state);
  renderModal(state);
}

function renderSwitcher(state) {
  if (!changed("users", [state.users, state.me.id])) return;
  const select = document.getElementById("user-switcher");
  select.replaceChildren(...state.users.map((u) =>
    el("option", { value: u.id, text: u.label, selected: u.id === state.me.id })));
}

function renderSidebar(state) {
  if (!changed("sidebar", [state.channels, state.channel, S.home])) return;
  const item = (c) => el("a", { href: "#", class: "side-item", "data-testid": "channel",
    "data-channel-name": c.name, "data-channel-id": c.id,
    "aria-current": !S.home && c.id === state.channel ? "page" : null,
    onclick: (e) => { e.preventDefault(); openChannel(c.id); } },
  el("span", { class: "side-icon", text: c.is_im ? "" : c.is_private ? "🔒" : "#" }),
  c.is_im ? el("span", { class: "presence" }) : null,
  c.with_app ? `${c.name}` : c.name);
  document.getElementById("channels").replaceChildren(
    ...state.channels.filter((c) => !c.is_im).map(item));
  document.getElementById("dms").replaceChildren(
    ...state.channels.filter((c) => c.is_im).map((c) =>
      c.with_app ? item({ ...c, name: "orderdesk" }) : item(c)));
  const home = document.getElementById("home-link");
  if (S.home) home.setAttribute("aria-current", "page");
  else home.removeAttribute("aria-current");
}

function channelTitle(state) {
  const chan = state.channels.find((c) => c.id === state.channel);
  if (!chan) return "";
  return chan.is_im ? (chan.with_app ? "orderdesk" : chan.name) : `#${chan.name}`;
}

function renderMain(state) {
  const header = document.getElementById("main-header");
  const pane = document.getElementById("pane");
  document.getElementById("composer-wrap").hidden = S.home;
  if (S.home) {
    if (!changed("main", ["home", state.home, state.me.id])) return;
    header.replaceChildren("orderdesk", el("span", { class: "muted", text: "App Home" }));
    const tab = el("div", { class: "home-tab", "data-testid": "home-tab" });
    if (state.home) {
      tab.dataset.viewId = state.home.id;
      tab.append(...renderBlocks(state.home.blocks, viewCtx(state.home)));
    } else tab.append(el("div", { class: "empty", text: "Loading the app's Home…" }));
    const dm = state.channels.find((c) => c.with_app);
    pane.replaceChildren(el("div", { class: "home-tabs" },
      el("span", { class: "on", text: "Home" }),
      el("button", { type: "button", class: "link-button", text: "Messages",
        onclick: () => dm && openChannel(dm.id) })), tab);
    return;
  }
  if (!changed("main", [state.channel, state.messages, state.names, state.me.id])) return;
  header.replaceChildren(channelTitle(state));
  const atBottom = pane.scrollHeight - pane.scrollTop - pane.clientHeight < 40;
  const composer = document.getElementById("composer");
  composer.placeholder = `Message ${channelTitle(state)}  (/order SO-1042, @orderdesk where is …)`;
  pane.replaceChildren(...(state.messages.length ? state.messages.map((m) => renderMessage(m, true))
    : [el("div", { class: "empty", text: "No messages yet. Try /order or @orderdesk." })]));
  // Like Slack: a new message scrolls into view when you were at the bottom or just acted.
  const newest = state.messages.length ? state.messages[state.messages.length - 1].ts : "";
  const arrived = newest !== S.newest && Date.now() - (S.actedAt || 0) < 15000;
  S.newest = newest;
  if (atBottom || arrived || S.scrollDown) {
    pane.scrollTop = pane.scrollHeight;
    S.scrollDown = false;
  }
}

const COLORS = ["#e8912d", "#2bac76", "#1264a3", "#e01e5a", "#4a154b", "#36c5f0", "#9c5e00", "#006b6b"];

function avatar(msg) {
  const name = msg.name || "?";
  let hash = 0;
  for (const ch of msg.user || name) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  const color = msg.is_bot ? "#4a154b" : COLORS[hash % COLORS.length];
  const initials = msg.is_bot ? "OD" : name.slice(0, 2).toUpperCase();
  return el("div", { class: "avatar", style: `background:${color}`, "aria-hidden": "true",
    text: initials });
}

function renderMessage(msg, inChannel) {
  const ctx = { live: true, ts: msg.ts, channel: msg.channel };
  const body = el("div", { class: "msg-body" },
    el("div", { class: "msg-head" },
      el("span", { class: "msg-name", text: msg.name }),
      msg.is_bot ? el("span", { class: "app-badge", text: "APP" }) : null,
      el("span", { class: "msg-time", text: clockTime(msg.ts) })));
  if (msg.blocks && msg.blocks.length) body.append(...renderBlocks(msg.blocks, ctx));
  else if (msg.text) {
    const text = el("div", { class: "msg-text" });
    text.innerHTML = mrkdwn(msg.text);
    body.append(text);
  }
  if (msg.edited) body.append(el("span", { class: "edited", text: "(edited)" }));
  for (const att of [...(msg.attachments || []), ...(msg.unfurls || [])]) {
    const box = el("div", { class: "attachment", style: att.color ? `border-left-color:${
      /^#?[0-9a-fA-F]{3,6}$/.test(att.color) ? (att.color.startsWith("#") ? att.color : "#" + att.color) : "#ddd"}` : null });
    if (att.blocks) box.append(...renderBlocks(att.blocks, ctx));
    else {
      if (att.title) box.append(el("div", { class: "msg-name", text: att.title }));
      if (att.text) { const t = el("div"); t.innerHTML = mrkdwn(att.text); box.append(t); }
    }
    body.append(box);
  }
  for (const file of msg.files || []) {
    body.append(el("div", { class: "file" },
      el("div", { class: "file-title", text: file.title || file.name }),
      el("img", { src: file.url, alt: file.title || file.name || "file", "data-file-id": file.id })));
  }
  if (msg.ephemeral) {
    body.append(el("div", { class: "ephemeral-note", "data-testid": "ephemeral-note",
      text: "Only visible to you" }));
  }
  if (inChannel && !msg.ephemeral) {
    const tools = el("div", { class: "msg-tools" });
    const open = () => openThread(msg.ts);
    if (msg.reply_count) {
      tools.append(el("button", { type: "button", class: "link-button reply-count",
        "data-testid": "open-thread", onclick: open },
      `${msg.reply_count} ${msg.reply_count === 1 ? "reply" : "replies"}`));
    } else {
      tools.append(el("button", { type: "button", class: "link-button reply-link",
        "data-testid": "open-thread", onclick: open }, "Reply in thread"));
    }
    body.append(tools);
  }
  return el("div", { class: `message${msg.ephemeral ? " ephemeral" : ""}`,
    "data-testid": "message", "data-ts": msg.ts, "data-user": msg.user || "" }, avatar(msg), body);
}

function renderThread(state) {
  const pane = document.getElementById("thread");
  const thread = state.thread;
  pane.hidden = !S.thread || S.home;
  if (!S.thread || !thread || S.home) return;
  if (!changed("thread", [thread, state.names])) return;
  document.getElementById("thread-where").textContent = channelTitle(state);
  const bodyNode = document.getElementById("thread-body");
  const n = thread.replies.length;
  bodyNode.replaceChildren(renderMessage(thread.parent, false),
    el("div", { class: "thread-sep", text: `${n} ${n === 1 ? "reply" : "replies"}` }),
    ...thread.replies.map((m) => renderMessage(m, false)));
  bodyNode.scrollTop = bodyNode.scrollHeight;
}

function viewCtx(view) {
  return { live: true, view_id: view.id, state: view.state, errors: view.errors };
}

function renderModal(state) {
  const layer = document.getElementById("modal-layer");
  const view = state.modal;
  if (!view) {
    if (changed("modal", null)) layer.replaceChildren();
    return;
  }
  if (!changed("modal", [view, state.names])) return;
  // Slack keeps what the person typed across views.update when block_id and action_id stay.
  const typed = layer.querySelector("[data-testid=modal]");
  const kept = typed && typed.dataset.viewId === view.id ? readInputs(typed) : {};
  const form = el("form", { class: "modal", "data-testid": "modal", "data-view-id": view.id,
    "data-callback-id": view.callback_id || "", role: "dialog", "aria-modal": "true" });
  const ctx = viewCtx(view);
  form.append(
    el("div", { class: "modal-head" },
      el("h2", { class: "modal-title", "data-testid": "modal-title", text: plain(view.title) }),
      el("button", { type: "button", class: "icon-button", "aria-label": "Close",
        onclick: () => closeModal(view) }, "✕")),
    el("div", { class: "modal-body" }, renderBlocks(view.blocks, ctx)),
    el("div", { class: "modal-foot" },
      el("button", { type: "button", class: "bk-button", "data-testid": "modal-close",
        onclick: () => closeModal(view) }, plain(view.close) || "Cancel"),
      view.submit ? el("button", { type: "submit", class: "bk-button", "data-style": "primary",
        "data-testid": "modal-submit" }, plain(view.submit)) : null));
  form.addEventListener("submit", (e) => { e.preventDefault(); submitModal(view, form); });
  for (const [key, value] of Object.entries(kept)) {
    const [blockId, actionId] = key.split("\u0001");
    const node = form.querySelector(`[data-block-type=input][data-block-id="${CSS.escape(blockId)}"] ` +
      `[data-action-id="${CSS.escape(actionId)}"]`);
    if (node) restore(node, value);
  }
  layer.replaceChildren(el("div", { class: "overlay" }, form));
  const error = form.querySelector("[data-testid=field-error]");
  if (error) error.closest("[data-block-type=input]").scrollIntoView({ block: "center" });
}

// Put back what the person had entered (the inverse of valueOf).
function restore(node, value) {
  const type = node.getAttribute("data-element-type");
  if (type === "checkboxes" || type === "radio_buttons") {
    const on = new Set(Array.isArray(value) ? value : value ? [value] : []);
    for (const input of node.querySelectorAll("input")) input.checked = on.has(input.value);
  } else if (type === "external_select") {
    node.choose(value);
  } else if (type === "multi_static_select") {
    for (const option of node.options) option.selected = (value || []).includes(option.value);
  } else if (value !== null && value !== undefined) {
    node.value = value;
  }
}

function readInputs(form) {
  const out = {};
  for (const node of form.querySelectorAll("[data-block-type=input] [data-element-type]")) {
    const block = node.closest("[data-block-type=input]");
    out[`${block.dataset.blockId}\u0001${node.dataset.actionId}`] = valueOf(node);
  }
  return out;
}

async function submitModal(view, form) {
  const values = {};
  for (const [key, value] of Object.entries(readInputs(form))) {
    values[key.replace("\u0001", ".")] = value;
  }
  const button = form.querySelector("[data-testid=modal-submit]");
  if (button) button.disabled = true;
  await post("view_submit", { view_id: view.id, values });
  if (button && button.isConnected) button.disabled = false;
}

function closeModal(view) {
  post("view_close", { view_id: view.id });
}

// ---------------------------------------------------------------------------------------
// navigation and the message boxes

function openChannel(id) {
  S.home = false;
  S.channel = id;
  S.thread = null;
  S.scrollDown = true;
  connect();
}

function openThread(ts) {
  S.thread = ts;
  connect();
}

async function send(box, threadTs) {
  const text = box.value.trim();
  if (!text) return;
  box.value = "";
  S.scrollDown = true;
  const answer = await post("command", { channel: S.channel, text, thread_ts: threadTs || null });
  if (!answer) box.value = text;
}

function composer(box, threadTs) {
  box.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      send(box, threadTs());
    }
  });
  box.addEventListener("input", () => {
    box.style.height = "auto";
    box.style.height = `${Math.min(box.scrollHeight + 2, 200)}px`;
  });
}

// ---------------------------------------------------------------------------------------
// the gallery: every block and element Orderdesk uses, from a fixed sample

async function gallery() {
  document.getElementById("app").hidden = true;
  const params = new URLSearchParams(location.search);
  S.tz = params.get("tz") || "UTC";
  const sample = await (await fetch("/static/gallery.json")).json();
  S.state = { names: sample.names || {}, me: { id: sample.viewer || "" } };
  const root = el("div", { class: "gallery", "data-testid": "gallery" },
    el("h1", { text: "Block Kit gallery" }),
    el("p", { class: "muted", text: `Every block and element Orderdesk sends, as this page renders it (times in ${S.tz}).` }));
  for (const item of sample.items) {
    const ctx = { live: false, state: {}, errors: item.errors || {} };
    root.append(el("div", { class: "gallery-item", "data-testid": "gallery-item",
      "data-kind": item.kind },
    el("div", { class: "gallery-kind", text: item.kind }), renderBlocks(item.blocks, ctx)));
  }
  document.getElementById("gallery-root").replaceChildren(root);
}

// ---------------------------------------------------------------------------------------

function start() {
  if (location.pathname.replace(/\/$/, "") === "/gallery") {
    gallery();
    return;
  }
  const params = new URLSearchParams(location.search);
  S.user = params.get("user");
  S.channel = params.get("channel");
  composer(document.getElementById("composer"), () => null);
  composer(document.getElementById("thread-composer"), () => S.thread);
  document.getElementById("user-switcher").addEventListener("change", async (e) => {
    S.user = e.target.value;
    S.thread = null;
    S.keys = {};
    await post("user", {});
    connect();
    if (S.home) post("home", {});
  });
  document.getElementById("home-link").addEventListener("click", (e) => {
    e.preventDefault();
    S.home = true;
    S.thread = null;
    S.keys.main = null;
    connect();
    post("home", {});
  });
  document.getElementById("close-thread").addEventListener("click", () => {
    S.thread = null;
    connect();
  });
  document.addEventListener("click", (e) => {
    for (const menu of document.querySelectorAll(".bk-overflow-menu")) {
      if (!menu.parentNode.contains(e.target)) menu.hidden = true;
    }
  });
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && S.state && S.state.modal &&
        !document.getElementById("confirm-layer").children.length) closeModal(S.state.modal);
  });
  connect();
}

start();
