// The preview page: shows the state the server pushes (see klastroviny/preview/server.py),
// changing only the images whose URL changed, so that scroll position and zoom stay.
"use strict";
(function () {
  const params = new URLSearchParams(location.search);
  let lang = params.get("lang");
  let single = params.get("single") === "1";
  let shown = null;  // the last state drawn
  const $ = (id) => document.getElementById(id);

  async function refresh() {
    const query = lang ? `?lang=${encodeURIComponent(lang)}` : "";
    const response = await fetch(`/state.json${query}`, { cache: "no-store" });
    if (!response.ok) return;
    const state = await response.json();
    // Answers to two events can arrive out of order: never draw an older state.
    if (shown && shown.lang === state.lang && state.version < shown.version) return;
    lang = state.lang;
    draw(state);
  }

  function draw(state) {
    document.documentElement.lang = state.lang;
    drawEditions(state);
    drawPages(state);
    drawProblems(state);
    drawBanner(state);
    const pdf = $("pdf");
    pdf.hidden = !state.pdf;
    if (state.pdf) pdf.href = state.pdf;
    $("status").textContent = state.building ? "building…" : `build ${state.version}`;
    document.body.dataset.version = state.version;
    document.body.dataset.building = state.building;
    shown = state;
  }

  function drawEditions(state) {
    const nav = $("editions");
    if (nav.childElementCount === state.languages.length) {
      for (const button of nav.children) {
        button.setAttribute("aria-current", String(button.value === state.lang));
      }
      return;
    }
    nav.replaceChildren(...state.languages.map((code) => {
      const button = document.createElement("button");
      button.type = "button";
      button.value = code;
      button.textContent = code.toUpperCase();
      button.setAttribute("aria-current", String(code === state.lang));
      button.addEventListener("click", () => { lang = code; keepInUrl(); refresh(); });
      return button;
    }));
  }

  // The cover alone, then spreads (2–3, 4–5, …), as the printed copy opens.
  function spreads(pages) {
    if (single) return pages.map((page) => [page]);
    const groups = pages.length ? [[pages[0]]] : [];
    for (let at = 1; at < pages.length; at += 2) groups.push(pages.slice(at, at + 2));
    return groups;
  }

  function drawPages(state) {
    const holder = $("pages");
    const same = shown && shown.lang === state.lang && shown.pages.length === state.pages.length
      && holder.dataset.single === String(single);
    if (!state.pages.length) return;  // nothing built yet, or a failed first build
    if (same) {
      state.pages.forEach((page, index) => updatePage(holder.querySelector(
        `[data-number="${page.number}"]`), page, shown.pages[index]));
      return;
    }
    const top = window.scrollY;
    holder.dataset.single = String(single);
    holder.replaceChildren(...spreads(state.pages).map((group) => {
      const spread = document.createElement("div");
      spread.className = "spread";
      group.forEach((page) => spread.append(makePage(page)));
      return spread;
    }));
    window.scrollTo(0, top);
  }

  function makePage(page) {
    const figure = document.createElement("figure");
    figure.className = "page";
    figure.dataset.number = page.number;
    const img = document.createElement("img");
    img.alt = `Page ${page.number}`;
    img.decoding = "async";
    img.loading = "lazy";  // a bulletin of 800 profiles: only the pages in view
    const caption = document.createElement("figcaption");
    figure.append(img, caption);
    figure.addEventListener("click", () => choose(figure));
    updatePage(figure, page, null);
    return figure;
  }

  function updatePage(figure, page, before) {
    const img = figure.querySelector("img");
    if (img.getAttribute("src") !== page.image) {
      img.src = page.image;
      if (before) {
        figure.classList.remove("changed");
        void figure.offsetWidth;  // restart the highlight
        figure.classList.add("changed");
      }
    }
    const caption = page.source ? `${page.number} · ${page.source}` : String(page.number);
    figure.querySelector("figcaption").textContent = caption;
    if (page.source) {
      figure.dataset.source = page.source;
      figure.title = page.source;
    } else {
      delete figure.dataset.source;
      figure.removeAttribute("title");
    }
  }

  function choose(figure) {
    document.querySelectorAll(".page.chosen").forEach((other) => other.classList.remove("chosen"));
    figure.classList.add("chosen");
    const selected = $("selected");
    selected.hidden = false;
    const source = figure.dataset.source;
    selected.textContent = source
      ? `Page ${figure.dataset.number}: ${source}` : `Page ${figure.dataset.number}`;
    if (source) selected.append(" ", copyButton(source));
  }

  function drawProblems(state) {
    const list = $("problem-list");
    if (!state.problems.length) {
      const none = document.createElement("li");
      none.className = "none";
      none.textContent = "No problems.";
      list.replaceChildren(none);
      return;
    }
    list.replaceChildren(...state.problems.map((problem) => {
      const item = document.createElement("li");
      item.className = problem.severity;
      const where = document.createElement("span");
      where.className = "where";
      const position = [problem.file, problem.line, problem.col].filter((p) => p).join(":");
      where.textContent = position;
      const what = document.createElement("span");
      what.className = "what";
      what.textContent = `${problem.severity}: ${problem.field ? problem.field + ": " : ""}`
        + problem.message;
      const line = problem.line ? `${problem.file}:${problem.line}` : problem.file;
      item.append(where, copyButton(line), what);
      item.dataset.text = `${position}: ${what.textContent}`;
      return item;
    }));
  }

  function copyButton(text) {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = "Copy";
    button.title = `Copy ${text}`;
    button.dataset.copy = text;
    button.addEventListener("click", (event) => {
      event.stopPropagation();
      copy(text).then(() => { button.textContent = "Copied"; });
    });
    return button;
  }

  async function copy(text) {
    try {
      await navigator.clipboard.writeText(text);
    } catch (refused) {  // no clipboard permission: the old way
      const area = document.createElement("textarea");
      area.value = text;
      document.body.append(area);
      area.select();
      document.execCommand("copy");
      area.remove();
    }
  }

  function drawBanner(state) {
    const banner = $("banner");
    banner.hidden = !state.stopped;
    if (!state.stopped) return;
    const first = state.problems.find((problem) => problem.severity === "error");
    banner.textContent = `Build stopped: ${state.stopped}. `;
    if (first) {
      const code = document.createElement("code");
      code.textContent = `${[first.file, first.line, first.col].filter((p) => p).join(":")}: `
        + first.message;
      banner.append(code);
    }
    banner.append(" The pages below are from the last good build.");
  }

  function keepInUrl() {
    const query = new URLSearchParams();
    if (lang) query.set("lang", lang);
    if (single) query.set("single", "1");
    history.replaceState(null, "", `?${query}`);
  }

  $("mode").setAttribute("aria-pressed", String(single));
  $("mode").addEventListener("click", () => {
    single = !single;
    $("mode").setAttribute("aria-pressed", String(single));
    keepInUrl();
    if (shown) drawPages(shown);
  });
  const zoom = $("zoom");
  zoom.value = localStorage.getItem("klastroviny-zoom") || zoom.value;
  const applyZoom = () => {
    document.documentElement.style.setProperty("--page", `${4.2 * zoom.value}px`);
    localStorage.setItem("klastroviny-zoom", zoom.value);
  };
  zoom.addEventListener("input", applyZoom);
  applyZoom();

  const events = new EventSource("/events");
  events.onmessage = () => refresh();
  refresh();
})();
