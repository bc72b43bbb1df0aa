// The chat page: sends the conversation to /chat/send, reads the OpenAI event stream it answers
// with, and renders answers as sanitised Markdown (marked + DOMPurify) with highlighted code,
// where each answer ran, the sensitivity found and numbered citations that open their passage.
"use strict";

(function () {
  const state = JSON.parse(document.getElementById("chat-state").textContent);
  const csrf = document.body.dataset.csrf;
  const log = document.getElementById("messages");
  const form = document.getElementById("composer");
  const prompt = document.getElementById("prompt");
  const sendButton = document.getElementById("send");
  const stopButton = document.getElementById("stop");
  const regenerateButton = document.getElementById("regenerate");
  const status = document.getElementById("chat-status");
  const dialog = document.getElementById("source");
  let history = state.messages.map((m) => ({ role: m.role, content: m.content }));
  let conversation = state.conversation;
  let running = null; // the AbortController of the answer being streamed
  let unanswered = null; // a question whose answer failed or was stopped (Regenerate asks again)

  marked.use({ gfm: true, breaks: true });

  function markdown(el, text, citations) {
    el.innerHTML = DOMPurify.sanitize(marked.parse(text));
    el.querySelectorAll("pre code").forEach((block) => hljs.highlightElement(block));
    if (citations && citations.length) linkCitations(el, citations);
  }

  // [n] markers in the text (outside code) become buttons that open source n.
  function linkCitations(el, citations) {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    const nodes = [];
    while (walker.nextNode()) {
      const n = walker.currentNode;
      if (!n.parentElement.closest("code, pre") && /\[\d+\]/.test(n.nodeValue)) nodes.push(n);
    }
    for (const node of nodes) {
      const parts = node.nodeValue.split(/(\[\d+\])/);
      const frag = document.createDocumentFragment();
      for (const part of parts) {
        const m = /^\[(\d+)\]$/.exec(part);
        const cited = m && citations.find((c) => c.index === Number(m[1]));
        frag.append(cited ? citeButton(cited, part) : document.createTextNode(part));
      }
      node.replaceWith(frag);
    }
  }

  function citeButton(cited, label) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "cite";
    b.textContent = label;
    b.setAttribute("aria-label", `Source ${cited.index}: ${cited.title || cited.source}`);
    b.addEventListener("click", () => openSource(cited));
    return b;
  }

  function where(c) {
    const loc = c.location || {};
    const bits = [c.knowledge_base, c.source];
    if (loc.page) bits.push(`page ${loc.page}`);
    if (loc.headings && loc.headings.length) bits.push(loc.headings.join(" › "));
    return bits.filter(Boolean).join(" · ");
  }

  function openSource(c) {
    document.getElementById("source-title").textContent = `[${c.index}] ${c.title || c.source}`;
    document.getElementById("source-where").textContent = where(c);
    document.getElementById("source-text").textContent = c.text;
    dialog.showModal();
  }

  function element(tag, className, text) {
    const el = document.createElement(tag);
    if (className) el.className = className;
    if (text !== undefined) el.textContent = text;
    return el;
  }

  function addMessage(role, text) {
    const article = element("article", `msg ${role}`);
    article.append(element("h2", "visually-hidden", role === "user" ? "You" : "Answer"));
    const body = element("div", "content");
    if (role === "user") body.textContent = text;
    article.append(body);
    log.append(article);
    article.scrollIntoView({ block: "end" });
    return article;
  }

  // Where the answer ran: local or cloud, provider/model, rule, sensitivity found.
  function showRoute(article, meta, sensitivity) {
    let p = article.querySelector(".route");
    if (!p) {
      p = element("p", "route");
      article.append(p);
    }
    p.replaceChildren();
    const tier = meta.tier || "";
    p.append(element("span", `badge ${tier}`, tier === "cloud" ? "Cloud" : "Local"));
    p.append(` ran on ${meta.route || "?"} · rule ${meta.rule || "?"} · sensitivity `);
    p.append(element("strong", `level ${sensitivity || "public"}`, sensitivity || "public"));
    if (meta.reason) p.title = `Why: ${meta.reason}`;
  }

  function showCitations(article, citations) {
    if (!citations || !citations.length) return;
    const list = element("ol", "citations");
    list.setAttribute("aria-label", "Sources");
    for (const c of citations) {
      const li = element("li");
      const b = element("button", "link", `[${c.index}] ${c.title || c.source}`);
      b.type = "button";
      b.addEventListener("click", () => openSource(c));
      li.append(b, element("span", "muted", ` ${where(c)}`));
      list.append(li);
    }
    article.append(list);
  }

  function showError(article, message) {
    const p = element("p", "error", message);
    p.setAttribute("role", "alert");
    article.append(p);
  }

  function busy(on) {
    sendButton.disabled = on;
    stopButton.hidden = !on;
    regenerateButton.hidden = on || (unanswered === null &&
      !(history.length && history[history.length - 1].role === "assistant"));
    status.textContent = on ? "Answering…" : "";
  }

  function chosenKnowledge() {
    return [...form.querySelectorAll('input[name="knowledge"]:checked')].map((i) => i.value);
  }

  // again: the question is on the page already; regenerate: the server drops its last turn.
  async function ask(question, again, regenerate) {
    const messages = [...history, { role: "user", content: question }];
    if (!again) addMessage("user", question);
    unanswered = null;
    const article = addMessage("assistant", "");
    const content = article.querySelector(".content");
    content.classList.add("streaming");
    running = new AbortController();
    busy(true);
    let text = "";
    let citations = [];
    let failed = false;
    let scheduled = false;
    const render = () => {
      scheduled = false;
      markdown(content, text, citations);
    };
    try {
      const response = await fetch("/chat/send", {
        method: "POST",
        headers: { "content-type": "application/json", "x-csrf-token": csrf },
        body: JSON.stringify({
          model: document.getElementById("model").value, messages,
          knowledge: chosenKnowledge(), conversation, regenerate,
        }),
        signal: running.signal,
      });
      if (!response.ok) {
        const body = await response.json().catch(() => null);
        throw new Error(body && body.error ? body.error.message
          : `The server answered ${response.status}. Try again.`);
      }
      const h = response.headers;
      const meta = { route: h.get("x-homeport-route"), tier: h.get("x-homeport-tier"),
                     rule: h.get("x-homeport-rule"), reason: h.get("x-homeport-reason") };
      showRoute(article, meta, h.get("x-homeport-sensitivity"));
      const newConversation = h.get("x-homeport-conversation");
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let cut;
        while ((cut = buffer.indexOf("\n\n")) >= 0) {
          const event = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          for (const line of event.split("\n")) {
            if (!line.startsWith("data: ")) continue;
            const data = line.slice(6);
            if (data === "[DONE]") continue;
            const chunk = JSON.parse(data);
            if (chunk.error) throw new Error(chunk.error.message);
            if (chunk.citations) citations = chunk.citations;
            for (const choice of chunk.choices || []) {
              if (choice.delta && choice.delta.content) text += choice.delta.content;
            }
          }
        }
        if (!scheduled) {
          scheduled = true;
          requestAnimationFrame(render);
        }
      }
      render();
      showCitations(article, citations);
      history = [...messages, { role: "assistant", content: text }];
      if (newConversation && newConversation !== conversation) {
        conversation = newConversation;
        window.history.replaceState(null, "", `/c/${conversation}`);
        addToList(conversation, question);
      }
    } catch (err) {
      failed = true;
      render();
      if (err.name === "AbortError") {
        showError(article, "Stopped. Regenerate to ask again.");
      } else {
        showError(article, err.message || "The answer failed. Try again.");
      }
    } finally {
      content.classList.remove("streaming");
      running = null;
      if (failed) unanswered = question; // history stays without it
      busy(false);
      prompt.focus();
    }
  }

  function addToList(id, title) {
    const list = document.getElementById("conversation-list");
    const empty = list.querySelector(".empty");
    if (empty) empty.remove();
    const li = element("li");
    const a = element("a", "", title.slice(0, 80));
    a.href = `/c/${id}`;
    a.setAttribute("aria-current", "page");
    li.append(a);
    list.prepend(li);
  }

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const question = prompt.value.trim();
    if (!question || running) return;
    prompt.value = "";
    ask(question, false, false);
  });

  prompt.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      form.requestSubmit();
    }
  });

  stopButton.addEventListener("click", () => running && running.abort());

  regenerateButton.addEventListener("click", () => {
    if (running) return;
    const answers = log.querySelectorAll(".msg.assistant");
    if (unanswered !== null) { // ask the failed question again; nothing was stored for it
      if (answers.length) answers[answers.length - 1].remove();
      ask(unanswered, true, false);
    } else if (history.length >= 2 && history[history.length - 1].role === "assistant") {
      const question = history[history.length - 2].content;
      history = history.slice(0, -2);
      answers[answers.length - 1].remove();
      ask(question, true, true);
    }
  });

  for (const m of state.messages) {
    const article = addMessage(m.role, m.content);
    if (m.role === "assistant") {
      markdown(article.querySelector(".content"), m.content, m.meta.citations);
      if (m.meta.route) showRoute(article, m.meta, m.sensitivity);
      showCitations(article, m.meta.citations);
    }
  }
  busy(false);
})();
