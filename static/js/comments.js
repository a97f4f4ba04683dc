// Progressive enhancement for comment threads: inline replies, reactions without a page reload, and
// filling in the quoted words from a text selection. Every form works without this file.
import { CharacterCount, ErrorSummary, createAll } from "../govuk/govuk-frontend.min.js";

const FETCH_HEADERS = { "X-Requested-With": "fetch" };

function csrfToken(form) {
  const input = form.querySelector("input[name=csrfmiddlewaretoken]");
  return input ? input.value : "";
}

function announce(container, text) {
  let region = document.getElementById("dhd-comments-status");
  if (!region) {
    region = document.createElement("div");
    region.id = "dhd-comments-status";
    region.className = "govuk-visually-hidden";
    region.setAttribute("role", "status");
    document.body.appendChild(region);
  }
  region.textContent = "";
  window.setTimeout(() => { region.textContent = text; }, 50);
}

async function post(form, extra) {
  const data = new FormData(form);
  if (extra) Object.entries(extra).forEach(([k, v]) => data.set(k, v));
  return fetch(form.action, { method: "POST", body: data, headers: FETCH_HEADERS, credentials: "same-origin" });
}

// --- reactions ------------------------------------------------------------------------------------
document.addEventListener("submit", async (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.matches("[data-react-form]")) return;
  const button = event.submitter;
  if (!button || !button.value) return;
  event.preventDefault();
  let response;
  try {
    response = await post(form, { value: button.value });
  } catch (e) {
    form.submit();
    return;
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    announce(form, body.error || "Your reaction was not saved.");
    return;
  }
  for (const b of form.querySelectorAll("button[name=value]")) {
    b.setAttribute("aria-pressed", b.value === body.mine ? "true" : "false");
    const count = b.querySelector("[data-count]");
    if (count) count.textContent = body[b.value];
  }
  announce(form, body.mine ? `You ${body.mine} with this comment.` : "Your reaction was removed.");
});

// --- inline replies --------------------------------------------------------------------------------
function repliesList(li) {
  let list = li.querySelector(":scope > ul.dhd-thread");
  if (!list) {
    list = document.createElement("ul");
    list.className = "dhd-thread";
    li.appendChild(list);
  }
  return list;
}

function enhanceReplyForm(holder, link) {
  const form = holder.querySelector("form[data-reply-form]");
  if (!form) return;
  try { createAll(CharacterCount, undefined, holder); } catch (e) { /* the plain textarea still works */ }
  const cancel = form.querySelector("[data-cancel-reply]");
  if (cancel) {
    cancel.addEventListener("click", (event) => {
      event.preventDefault();
      holder.remove();
      link.focus();
    });
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    let response;
    try {
      response = await post(form);
    } catch (e) {
      form.submit();
      return;
    }
    const body = await response.json().catch(() => ({}));
    if (button) button.disabled = false;
    const errors = form.querySelector("[data-errors]");
    if (response.status === 201) {
      const li = link.closest("li");
      const item = document.createElement("li");
      item.innerHTML = body.html;
      repliesList(li).appendChild(item);
      holder.remove();
      const article = item.querySelector("article");
      if (article) {
        article.setAttribute("tabindex", "-1");
        article.focus();
      }
      const said = body.status === "pending" ? "Your reply will appear once a moderator has checked it." : "Your reply has been posted.";
      const note = document.createElement("p");
      note.className = "govuk-body-s govuk-!-font-weight-bold dhd-reply-confirmation";
      note.setAttribute("data-reply-confirmation", "");
      note.textContent = said;
      item.prepend(note);
      announce(item, said);
      return;
    }
    if (body.form) {
      // The form as the server re-rendered it: each field with its own error message, the words kept.
      holder.innerHTML = body.form;
      enhanceReplyForm(holder, link);
      const summary = holder.querySelector(".govuk-error-summary");
      if (summary) {
        summary.setAttribute("tabindex", "-1");
        try { createAll(ErrorSummary, undefined, holder); } catch (e) { /* focused below */ }
        summary.focus();
      }
      return;
    }
    if (errors) {
      errors.innerHTML = body.errors || `<div class="govuk-error-summary" data-module="govuk-error-summary"><div role="alert"><h2 class="govuk-error-summary__title">There is a problem</h2><div class="govuk-error-summary__body"><ul class="govuk-list govuk-error-summary__list"><li>${(body.error || "Your reply was not posted. Try again.").replace(/</g, "&lt;")}</li></ul></div></div></div>`;
      const summary = errors.querySelector(".govuk-error-summary");
      if (summary) {
        try { createAll(ErrorSummary, undefined, errors); } catch (e) { summary.setAttribute("tabindex", "-1"); }
        summary.setAttribute("tabindex", "-1");
        summary.focus();
      }
    }
  });
}

document.addEventListener("click", async (event) => {
  const link = event.target instanceof Element ? event.target.closest("a[data-reply-link]") : null;
  if (!link) return;
  event.preventDefault();
  const article = link.closest("article");
  const existing = article && article.parentElement.querySelector(":scope > [data-reply-holder]");
  if (existing) {
    const field = existing.querySelector("textarea");
    if (field) field.focus();
    return;
  }
  let response;
  try {
    response = await fetch(`${link.href}?fragment=1`, { headers: FETCH_HEADERS, credentials: "same-origin" });
  } catch (e) {
    window.location.href = link.href;
    return;
  }
  if (!response.ok || response.redirected) {
    window.location.href = link.href;
    return;
  }
  const holder = document.createElement("div");
  holder.setAttribute("data-reply-holder", "");
  holder.className = "govuk-!-margin-bottom-4";
  holder.innerHTML = await response.text();
  if (!holder.querySelector("form")) {
    window.location.href = link.href;
    return;
  }
  article.insertAdjacentElement("afterend", holder);
  enhanceReplyForm(holder, link);
  const field = holder.querySelector("textarea");
  if (field) field.focus();
});

// --- quoting a phrase -------------------------------------------------------------------------------
// Selecting words in the clause fills in "The words you are commenting on", widened to whole words, picks
// the smallest part of the clause that holds them, and offers a button that goes to the comment box.
// Offsets are counted in the text as the page shows it (provision numbers included), as the server checks.
const WORD_CHAR = /[\p{L}\p{N}'’-]/u;
const SPACE = /\s/;

function squash(text) {
  return text.replace(/\s+/g, " ");
}

function offsetIn(root, node, offset) {
  const range = document.createRange();
  range.setStart(root, 0);
  range.setEnd(node, offset);
  return range.toString().length;
}

function selectedSpan(target) {
  const selection = window.getSelection();
  if (!selection || selection.isCollapsed || selection.rangeCount === 0) return null;
  const range = selection.getRangeAt(0);
  if (!target.contains(range.startContainer) || !target.contains(range.endContainer)) return null;
  const raw = target.textContent;
  let start = offsetIn(target, range.startContainer, range.startOffset);
  let end = offsetIn(target, range.endContainer, range.endOffset);
  while (start < end && SPACE.test(raw[start])) start += 1;
  while (end > start && SPACE.test(raw[end - 1])) end -= 1;
  if (start >= end) return null;
  while (start > 0 && WORD_CHAR.test(raw[start - 1]) && WORD_CHAR.test(raw[start])) start -= 1;
  while (end < raw.length && WORD_CHAR.test(raw[end]) && WORD_CHAR.test(raw[end - 1])) end += 1;
  return { raw, start, end };
}

function smallestPart(target, span) {
  // Provisions carry their place in the clause: data-position .. data-last covers their own subsections.
  // Words outside every provision are the clause's own: then the whole clause is the part.
  const parts = [...target.querySelectorAll("[data-section]")].map((el) => {
    const from = offsetIn(target, el, 0);
    return { el, from, to: from + el.textContent.length, position: Number(el.dataset.position) };
  });
  const hit = parts.filter((p) => p.to > span.start && p.from < span.end);
  for (let i = span.start; i < span.end; i += 1) {
    if (!SPACE.test(span.raw[i]) && !hit.some((p) => p.from <= i && i < p.to)) return null;
  }
  if (!hit.length) return null;
  const lo = Math.min(...hit.map((p) => p.position));
  const hi = Math.max(...hit.map((p) => p.position));
  let best = null;
  for (const p of parts) {
    if (p.position <= lo && Number(p.el.dataset.last) >= hi && (!best || p.position > best.position)) best = p;
  }
  return best ? best.el.dataset.section : null;
}

function quoteBar(target, form) {
  let bar = document.querySelector("[data-quote-bar]");
  if (bar) return bar;
  bar = document.createElement("div");
  bar.setAttribute("data-quote-bar", "");
  bar.className = "govuk-inset-text";
  bar.hidden = true;
  bar.innerHTML = '<p class="govuk-body-s govuk-!-margin-bottom-2">You selected: “<span data-quote-text></span>”</p>'
    + '<button type="button" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" data-module="govuk-button">Comment on this phrase</button>';
  bar.querySelector("button").addEventListener("click", () => {
    const body = form.querySelector("textarea[name=body]");
    if (body) {
      body.scrollIntoView({ block: "center" });
      body.focus();
    }
  });
  target.insertAdjacentElement("afterend", bar);
  return bar;
}

function fillQuote() {
  const target = document.querySelector("[data-quote-target]");
  const input = document.querySelector("[data-comment-form] input[name=quote_exact]");
  if (!target || !input) return;
  const span = selectedSpan(target);
  if (!span) return;
  const exact = squash(span.raw.slice(span.start, span.end)).trim();
  if (!exact || exact.length > 500 || exact === input.value) return;
  const form = input.form;
  input.value = exact;
  form.querySelector("input[name=quote_prefix]").value = squash(span.raw.slice(Math.max(0, span.start - 64), span.start)).trimStart().slice(-32);
  form.querySelector("input[name=quote_suffix]").value = squash(span.raw.slice(span.end, span.end + 64)).trimEnd().slice(0, 32);
  const select = form.querySelector("select[name=target]");
  if (select && select.options.length) {
    const part = smallestPart(target, span);
    const value = part && [...select.options].some((o) => o.value === part) ? part : select.options[0].value;
    select.value = value;
  }
  const bar = quoteBar(target, form);
  bar.querySelector("[data-quote-text]").textContent = exact.length > 120 ? `${exact.slice(0, 117)}…` : exact;
  bar.hidden = false;
  announce(bar, "The words you selected are in the comment form. Use the button after the clause to write your comment.");
}

// A mouse ends a selection with mouseup; a touch screen (dragging the selection handles) and the keyboard
// (shift and the arrow keys) change it step by step: selectionchange, read once the selection settles.
let settle = null;
document.addEventListener("selectionchange", () => {
  clearTimeout(settle);
  settle = setTimeout(fillQuote, 250);
});
document.addEventListener("mouseup", fillQuote);
document.addEventListener("keyup", (event) => { if (event.shiftKey) fillQuote(); });

// Phrases other people quoted are marked in the clause, each a link to the first comment on it.
function phrasePattern(exact) {
  const words = exact.split(/\s+/).filter(Boolean).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return words.length ? new RegExp(words.join("\\s+")) : null;
}

function markPhrase(target, exact, commentId) {
  const pattern = phrasePattern(exact);
  if (!pattern) return false;
  const walker = document.createTreeWalker(target, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement.closest("mark, [data-quote-bar]")) continue;
    const found = pattern.exec(node.textContent);
    if (!found) continue;
    const phrase = node.splitText(found.index);
    phrase.splitText(found[0].length);
    const mark = document.createElement("mark");
    mark.className = "dhd-quoted";
    const link = document.createElement("a");
    link.className = "govuk-link";
    link.href = `#comment-${commentId}`;
    link.setAttribute("aria-label", `${found[0].replace(/\s+/g, " ")}: read the comment on this phrase`);
    phrase.replaceWith(mark);
    link.appendChild(phrase);
    mark.appendChild(link);
    return true;
  }
  return false;
}

function markQuotedPhrases() {
  const target = document.querySelector("[data-quote-target]");
  if (!target) return;
  const done = new Set();
  document.querySelectorAll("article[data-comment] .dhd-quote").forEach((quote) => {
    const exact = quote.textContent.trim();
    const article = quote.closest("article[data-comment]");
    if (!exact || done.has(exact) || !article) return;
    if (markPhrase(target, exact, article.dataset.comment)) done.add(exact);
  });
}

markQuotedPhrases();
