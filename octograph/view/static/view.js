// The behaviour of octograph's graph page (octograph/view/templates/view.html).
// Inlined into the page and allowed by its hash in the Content-Security-Policy.
// Every text from the data reaches the DOM through textContent or an attribute property,
// never innerHTML, so labels and quotes are always shown as text.
// A big graph's data comes deflated (octograph/view/pack.py): inflate it with the browser's
// own DecompressionStream, which fetches nothing.
async function octographData() {
  const block = JSON.parse(document.getElementById("og-data").textContent);
  if (block.packed === undefined) return block;
  const binary = atob(block.packed);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
  return JSON.parse(await new Response(stream).text());
}

octographData().then((data) => {
  "use strict";
  // Unpack the tables written by GraphView._page_data (octograph/view/page.py); edge ids are
  // "e" + position, as there.
  const passages = data.passages.map(([number, quote]) => ({ number, quote }));
  // Rows end early where their last values are the defaults (pack.trim in Python).
  data.nodes = data.nodes.map(
    ([id, label, c, size, degree, x, y, description, iri, font = data.map.font, mx = null,
      my = null]) => ({
      id, label, category: data.categories[c].name, kind: data.categories[c].title,
      color: data.categories[c].color,
      shape: data.categories[c].shape, size, degree, x, y, description, iri: iri || id, font,
      mx, my,
    }));
  data.edges = data.edges.map(([from, to, p, label, quotes, smooth = 0, m = 0], i) => ({
    id: "e" + i, from: data.nodes[from].id, to: data.nodes[to].id,
    predicate: data.predicates[p].iri, label: data.labels[label],
    passages: quotes.map((k) => passages[k]), smooth, modality: data.modalityNames[m],
  }));
  const byId = new Map(data.nodes.map((n) => [n.id, n]));
  const edgeById = new Map(data.edges.map((e) => [e.id, e]));
  const outgoing = new Map(data.nodes.map((n) => [n.id, []]));
  const incoming = new Map(data.nodes.map((n) => [n.id, []]));
  for (const e of data.edges) {
    outgoing.get(e.from).push(e);
    incoming.get(e.to).push(e);
  }
  // vis-network deep-copies and measures everything it is given, so it gets only what it
  // draws; the panel reads the rest from the data. On big graphs, labels cost seconds to
  // measure and are too small to read: node labels come when zoomed in, edge labels only in
  // the side panel.
  // Labels are wrapped as octograph/view/arrange.py wraps them (textwrap, 24 characters a
  // line), since the room Python kept free around each node is measured on those lines.
  function wrap(text) {
    const lines = [];
    let line = "";
    for (let word of text.split(/\s+/).filter(Boolean)) {
      while (word.length > 24) {
        if (line) { lines.push(line); line = ""; }
        lines.push(word.slice(0, 24));
        word = word.slice(24);
      }
      if (!word) continue;
      if (line && line.length + 1 + word.length > 24) { lines.push(line); line = word; }
      else line = line ? line + " " + word : word;
    }
    if (line) lines.push(line);
    return lines.join("\n") || text;
  }
  // A node's outline is its colour a third darker, so that the pale colours of the palette
  // keep a crisp edge on the white page; big graphs draw no outline (render.py).
  const outlined = data.options.nodes.borderWidth > 0;
  function outline(hex) {
    const dark = (i) => Math.round(parseInt(hex.slice(i, i + 2), 16) * 0.65)
      .toString(16).padStart(2, "0");
    const border = "#" + dark(1) + dark(3) + dark(5);
    return { background: hex, border, highlight: { background: hex, border: "#222222" },
      hover: { background: hex, border: "#222222" } };
  }
  const nodes = new vis.DataSet(data.nodes.map((n) => {
    const item = { id: n.id, color: outlined ? outline(n.color) : n.color, size: n.size, x: n.x,
      y: n.y, shape: n.shape };
    if (!data.lazyNodeLabels) item.label = wrap(n.label);
    if (n.font !== data.map.font) item.font = { size: n.font };
    return item;
  }));
  const edges = new vis.DataSet(data.edges.map((e) => {
    const item = { id: e.id, from: e.from, to: e.to };
    if (data.edgeLabels) item.label = e.label;
    if (e.smooth) item.smooth = e.smooth;
    const look = data.modalities[e.modality];
    if (e.modality !== "states" && look) {
      item.dashes = look.dashes;
      item.width = look.width;
    }
    return item;
  }));
  const container = document.getElementById("og-network");
  const network = new vis.Network(container, {}, data.options);

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  // -- side panel -------------------------------------------------------------------------
  const panel = document.getElementById("og-panel");
  const panelBody = document.getElementById("og-panel-body");
  document.getElementById("og-panel-close").addEventListener("click", hidePanel);

  function hidePanel() {
    panel.hidden = true;
    panelBody.replaceChildren();
  }

  function nodeButton(id) {
    const button = el("button", byId.get(id).label, "og-link");
    button.type = "button";
    button.addEventListener("click", () => selectNode(id));
    return button;
  }

  function quoteList(passages) {
    const list = el("ul", undefined, "og-quotes");
    for (const p of passages) {
      const mark = p.number === null ? "" : "\u00b6" + p.number + " ";
      list.append(el("li", mark + "\u201c" + p.quote + "\u201d", "og-quote"));
    }
    return list;
  }

  function categoryLine(node) {
    const line = el("p", undefined, "og-category");
    line.append(swatch(node.color, node.shape), el("span", node.kind));
    return line;
  }

  // A link as the report would say it: "Key message 2 identifies the threat X". A label
  // that ends in the category of its object ("identifies threat") takes an article.
  function phrase(edge) {
    const words = edge.label.split(" ");
    const object = byId.get(edge.to).category.toLowerCase();
    if (words.length > 1 && words[words.length - 1].toLowerCase() === object) {
      words.splice(words.length - 1, 0, "the");
    }
    return words.join(" ");
  }
  const HOW_SURE = {
    may: "the report says this may be so", likely: "the report says this is likely",
    must: "the report says this must be done", should: "the report says this should be done",
  };

  function sentence(edge, here) {
    const line = el("p", undefined, "og-sentence");
    const end = (id) => (id === here ? el("span", byId.get(id).label, "og-here") : nodeButton(id));
    line.append(end(edge.from), el("span", " " + phrase(edge) + " "), end(edge.to));
    if (HOW_SURE[edge.modality]) {
      line.append(el("span", " (" + HOW_SURE[edge.modality] + ")", "og-modality"));
    }
    return line;
  }

  // The links of a node, one group per relation and direction, each link a sentence with
  // the passages that state it.
  function linkGroups(id) {
    const groups = new Map();
    for (const e of [...outgoing.get(id), ...incoming.get(id)]) {
      const key = (e.from === id ? "out " : "in ") + e.predicate;
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(e);
    }
    const out = [];
    for (const [key, list] of groups) {
      const head = list[0].from === id && key.startsWith("out") ? phrase(list[0])
        : byId.get(list[0].from).kind + " " + phrase(list[0]) + " this";
      out.push(el("h3", head + " (" + list.length + ")"));
      const items = el("ul", undefined, "og-links");
      for (const e of list) {
        const item = el("li");
        item.dataset.edge = e.id;
        item.append(sentence(e, id));
        if (e.passages.length) item.append(quoteList(e.passages));
        items.append(item);
      }
      out.push(items);
    }
    return out;
  }

  function showNode(id) {
    const node = byId.get(id);
    panelBody.replaceChildren(
      el("h2", node.label),
      categoryLine(node),
      ...(node.description ? [el("p", node.description, "og-description")] : []),
      el("p", node.iri, "og-iri"),
      ...linkGroups(id),
    );
    panel.dataset.kind = "node";
    panel.dataset.id = id;
    panel.hidden = false;
  }

  function showEdge(id) {
    const edge = edgeById.get(id);
    panelBody.replaceChildren(
      el("h2", edge.label),
      sentence(edge, null),
      el("p", edge.predicate, "og-iri"),
      el("h3", edge.passages.length ? "Stated in" : "No passage states this link"),
      quoteList(edge.passages),
    );
    panel.dataset.kind = "edge";
    panel.dataset.id = id;
    panel.hidden = false;
  }

  function selectNode(id) {
    network.selectNodes([id]);
    selected = id;
    highlight(id);
    network.focus(id, { scale: Math.max(network.getScale(), 1.0), animation: false });
    arrowsForZoom();
    labelNodesInView();
    capLabels();
    showNode(id);
  }

  // -- labels of big graphs, once zoomed in far enough to read them ---------------------
  const labelled = new Set();
  function labelNodesInView() {
    if (!data.lazyNodeLabels || network.getScale() < 0.35) return;
    const topLeft = network.DOMtoCanvas({ x: 0, y: 0 });
    const bottomRight = network.DOMtoCanvas({
      x: container.clientWidth, y: container.clientHeight,
    });
    const positions = network.getPositions();
    const changes = [];
    for (const n of data.nodes) {
      const p = positions[n.id];
      if (labelled.has(n.id) || p.x < topLeft.x || p.x > bottomRight.x ||
          p.y < topLeft.y || p.y > bottomRight.y) continue;
      labelled.add(n.id);
      changes.push({ id: n.id, label: n.label });
    }
    if (changes.length) nodes.update(changes);
    capLabels();
  }
  // Big graphs open without arrowheads too: at the zoom that shows them whole these are
  // specks under a pixel, and drawing 30,000 of them is a sixth of the first picture. They
  // come back with the labels (render.py leaves them off).
  const arrowsByZoom = !data.options.edges.arrows.to.enabled;
  let arrows = !arrowsByZoom;
  function arrowsForZoom() {
    const wanted = network.getScale() >= 0.35;
    if (!arrowsByZoom || wanted === arrows) return;
    arrows = wanted;
    network.setOptions({ edges: { arrows: { to: { enabled: wanted } } } });
  }
  // Labels grow with the zoom up to maxVisible pixels on screen, then keep that size (vis's
  // own maxVisible only stops the fading, not the growing): zoomed in, the big labels of key
  // messages would otherwise cover the small ones that have just appeared.
  const maxVisible = data.options.nodes.scaling.label.maxVisible;
  const fontShown = new Map();  // the capped ones; the others show their own size
  function baseFont(n) {
    if (mode !== "map" || n.mx === null) return n.font;
    return n.category === "KeyMessage" ? data.map.bigFont : data.map.font;
  }
  function capLabels() {
    const most = maxVisible / network.getScale();
    const changes = [];
    for (const n of data.lazyNodeLabels ? [...labelled].map((id) => byId.get(id)) : data.nodes) {
      const size = Math.min(baseFont(n), most);
      if ((fontShown.has(n.id) ? fontShown.get(n.id) : baseFont(n)) === size) continue;
      fontShown.set(n.id, size);
      changes.push({ id: n.id, font: { size } });
    }
    if (changes.length) nodes.update(changes);
  }
  network.on("zoom", capLabels);
  let labelTimer = null;
  function labelSoon() {
    clearTimeout(labelTimer);
    labelTimer = setTimeout(() => { arrowsForZoom(); labelNodesInView(); }, 150);
  }
  if (arrowsByZoom && !data.lazyNodeLabels) network.on("zoom", labelSoon);
  if (data.lazyNodeLabels) {
    network.on("zoom", labelSoon);
    network.on("dragEnd", labelSoon);
  }

  network.on("click", (params) => {
    if (params.nodes.length) showNode(params.nodes[0]);
    else if (params.edges.length) showEdge(params.edges[0]);
    else hidePanel();
  });

  // -- filters ----------------------------------------------------------------------------
  const categoryOn = new Map(data.categories.map((c) => [c.name, true]));
  const predicateOn = new Map(data.predicates.map((p) => [p.iri, true]));
  const nodeHidden = new Map(data.nodes.map((n) => [n.id, false]));
  const edgeHidden = new Map(data.edges.map((e) => [e.id, false]));

  function applyFilters() {
    const nodeChanges = [];
    for (const n of data.nodes) {
      const hidden = !categoryOn.get(n.category) || (mode === "map" && n.mx === null);
      if (hidden !== nodeHidden.get(n.id)) {
        nodeHidden.set(n.id, hidden);
        nodeChanges.push({ id: n.id, hidden: hidden });
      }
    }
    const edgeChanges = [];
    for (const e of data.edges) {
      const hidden = !predicateOn.get(e.predicate) || nodeHidden.get(e.from) ||
        nodeHidden.get(e.to);
      if (hidden !== edgeHidden.get(e.id)) {
        edgeHidden.set(e.id, hidden);
        edgeChanges.push({ id: e.id, hidden: hidden });
      }
    }
    nodes.update(nodeChanges);
    edges.update(edgeChanges);
    if (panel.dataset.kind === "node" && nodeHidden.get(panel.dataset.id)) hidePanel();
    if (panel.dataset.kind === "edge" && edgeHidden.get(panel.dataset.id)) hidePanel();
  }

  // The legend draws each category in its shape, as the network does (a clip path on a
  // coloured square, set through the style object, which the page's CSP allows).
  const SHAPE_CLIPS = {
    dot: "circle(50%)", square: "inset(8%)",
    triangle: "polygon(50% 4%, 96% 90%, 4% 90%)", triangleDown: "polygon(4% 10%, 96% 10%, 50% 96%)",
    diamond: "polygon(50% 0, 100% 50%, 50% 100%, 0 50%)",
    hexagon: "polygon(25% 6%, 75% 6%, 100% 50%, 75% 94%, 25% 94%, 0 50%)",
    star: "polygon(50% 0, 63% 35%, 100% 36%, 71% 59%, 81% 96%, 50% 75%, 19% 96%, 29% 59%, " +
      "0 36%, 37% 35%)",
  };
  function swatch(color, shape) {
    const mark = el("span", undefined, "og-swatch");
    mark.style.backgroundColor = color;
    mark.style.clipPath = SHAPE_CLIPS[shape] || SHAPE_CLIPS.dot;
    mark.dataset.shape = shape;
    return mark;
  }

  function checkbox(box, key, text, count, state, look, tooltip) {
    const label = el("label");
    const input = el("input");
    input.type = "checkbox";
    input.checked = true;
    input.value = key;
    input.addEventListener("change", () => {
      state.set(key, input.checked);
      applyFilters();
    });
    label.append(input);
    if (look) label.append(swatch(look.color, look.shape));
    label.append(el("span", text), el("span", String(count), "og-count"));
    if (tooltip) label.title = tooltip;
    box.append(label);
  }

  const categoryBox = document.getElementById("og-categories");
  for (const c of data.categories) {
    checkbox(categoryBox, c.name, c.title, c.count, categoryOn, c, "");
  }
  // Links grouped by the kind of thing they start from, each group folded: forty relations
  // in one list would push the rest of the legend off the first screen.
  const predicateBox = document.getElementById("og-predicates");
  const linkGroupsByFamily = new Map();
  for (const p of data.predicates) {
    if (!linkGroupsByFamily.has(p.group)) {
      const group = el("details", undefined, "og-link-group");
      group.append(el("summary", p.group));
      linkGroupsByFamily.set(p.group, group);
      predicateBox.append(group);
    }
    checkbox(linkGroupsByFamily.get(p.group), p.iri, p.label, p.count, predicateOn, null, p.iri);
  }
  // How sure the report is: shown only when the graph says it of some link.
  const used = new Set(data.edges.map((e) => e.modality));
  const sureBox = document.getElementById("og-modalities");
  for (const [name, text] of [["states", "stated as fact"], ["may", "hedged: may"],
    ["likely", "hedged: likely"], ["should", "required: should"], ["must", "required: must"]]) {
    if (!used.has(name) || used.size === 1) continue;
    const look = data.modalities[name];
    const row = el("div", undefined, "og-line-key");
    const line = el("span", undefined, "og-line");
    line.style.borderTopWidth = look.width + "px";
    line.style.borderTopStyle = look.dashes ? "dashed" : "solid";
    row.dataset.modality = name;
    row.append(line, el("span", text));
    sureBox.append(row);
  }
  sureBox.hidden = sureBox.children.length <= 1;

  // -- search -----------------------------------------------------------------------------
  // Best match: an exact label, then one starting with the query, then one containing it;
  // among those the shortest label, then the most connected node, then graph order.
  function bestMatch(query) {
    const q = query.trim().toLowerCase();
    if (!q) return null;
    let best = null;
    let bestKey = null;
    for (const n of data.nodes) {
      if (nodeHidden.get(n.id)) continue;
      const label = n.label.toLowerCase();
      const at = label.indexOf(q);
      if (at < 0) continue;
      const key = [label === q ? 0 : at === 0 ? 1 : 2, label.length, -n.degree];
      if (bestKey === null || key[0] < bestKey[0] || (key[0] === bestKey[0] &&
          (key[1] < bestKey[1] || (key[1] === bestKey[1] && key[2] < bestKey[2])))) {
        best = n;
        bestKey = key;
      }
    }
    return best;
  }

  const status = document.getElementById("og-search-status");
  function focus(label) {
    const node = bestMatch(label);
    if (node === null) {
      network.unselectAll();
      status.textContent = label.trim() ? "No visible node matches." : "";
      return null;
    }
    status.textContent = "";
    selectNode(node.id);
    return node.id;
  }

  const query = document.getElementById("og-query");
  document.getElementById("og-search").addEventListener("submit", (event) => {
    event.preventDefault();
    focus(query.value);
  });

  // -- neighbourhood: hover or select a node to see what it touches ---------------------
  const nodeFont = data.options.nodes.font;
  const edgeFont = data.options.edges.font;
  function paled(hex, alpha) {
    const channel = (i) => parseInt(hex.slice(i, i + 2), 16);
    return `rgba(${channel(1)}, ${channel(3)}, ${channel(5)}, ${alpha})`;
  }
  const dimmed = new Set();
  function highlight(id) {
    const near = new Set();
    if (id !== null) {
      near.add(id);
      for (const e of outgoing.get(id)) near.add(e.to);
      for (const e of incoming.get(id)) near.add(e.from);
    }
    const nodeChanges = [];
    for (const n of data.nodes) {
      const dim = id !== null && !near.has(n.id);
      if (dim !== dimmed.has(n.id)) {
        if (dim) dimmed.add(n.id); else dimmed.delete(n.id);
        // vis-network's opacity leaves the label as it was: a dimmed node's label is paled
        // with it, or the eye still goes to the words.
        nodeChanges.push({ id: n.id, opacity: dim ? 0.15 : 1,
          font: { color: dim ? paled(nodeFont.color, 0.2) : nodeFont.color } });
      }
    }
    const edgeChanges = [];
    for (const e of data.edges) {
      const dim = id !== null && e.from !== id && e.to !== id;
      edgeChanges.push({ id: e.id, color: { opacity: dim ? 0.1 : 1 },
        font: { color: dim ? paled(edgeFont.color, 0.15) : edgeFont.color } });
    }
    nodes.update(nodeChanges);
    edges.update(edgeChanges);
  }
  let selected = null;
  network.on("selectNode", (params) => { selected = params.nodes[0]; highlight(selected); });
  network.on("deselectNode", () => { selected = null; highlight(null); });
  if (!data.lazyNodeLabels) {
    network.on("hoverNode", (params) => highlight(params.node));
    network.on("blurNode", () => highlight(selected));
  }

  // -- the two pictures: the network and the message map ---------------------------------
  let mode = data.mode;
  function place(which) {
    mode = which;
    network.setOptions({ physics: { enabled: false } });
    physicsButton.setAttribute("aria-pressed", "false");
    const onMap = (n) => which === "map" && n.mx !== null;
    nodes.update(data.nodes.map((n) => ({
      id: n.id, x: onMap(n) ? n.mx : n.x, y: onMap(n) ? n.my : n.y,
      size: onMap(n) ? data.map.size : n.size,
      font: { size: baseFont(n) },  // mode is already the new one
    })));
    fontShown.clear();  // every label back at its own size, capped again by fitView
    nodeHidden.forEach((_, k) => nodeHidden.set(k, null));  // recompute every node
    applyFilters();
    // The legend greys out the categories the map does not draw (values, events...).
    for (const input of categoryBox.querySelectorAll("input")) {
      input.parentElement.classList.toggle("og-absent", which === "map" && !onMapCategories.has(input.value));
    }
    // A toggle keeps its name; its pressed state says whether the map is shown.
    mapButton.setAttribute("aria-pressed", which === "map" ? "true" : "false");
    document.body.dataset.mode = which;
    fitView();
  }
  const onMapCategories = new Set(data.nodes.filter((n) => n.mx !== null).map((n) => n.category));
  const mapButton = document.getElementById("og-map");
  mapButton.hidden = !data.hasMap;
  mapButton.addEventListener("click", () => place(mode === "map" ? "network" : "map"));
  // The picture opens at rest; the simulation is there for whoever wants to shake it.
  const physicsButton = document.getElementById("og-physics");
  physicsButton.hidden = data.lazyNodeLabels;
  physicsButton.addEventListener("click", () => {
    const on = physicsButton.getAttribute("aria-pressed") !== "true";
    physicsButton.setAttribute("aria-pressed", String(on));
    network.setOptions({ physics: { enabled: on } });
  });

  // Fit the picture, but never zoom past 1: a small graph stays at its natural size, where
  // the edge labels (drawn from zoom 1.1) wait for the reader to zoom in.
  // vis-network's own fit knows the labels only once it has drawn them, so the box of each
  // node with its label is estimated as octograph/view/arrange.py does (0.62 em a character).
  function fitView() {
    const all = nodes.get({ filter: (n) => !nodeHidden.get(n.id) });
    if (all.length === 0) return;
    let left = Infinity, right = -Infinity, top = Infinity, bottom = -Infinity;
    for (const n of all) {
      const lines = (n.label || "").split("\n");
      const font = (n.font && n.font.size) || 14;
      const half = Math.max(n.size, (Math.max(...lines.map((l) => l.length)) * font * 0.62 + 6) / 2);
      left = Math.min(left, n.x - half);
      right = Math.max(right, n.x + half);
      top = Math.min(top, n.y - n.size);
      bottom = Math.max(bottom, n.y + n.size + 4 + lines.length * font * 1.3);
    }
    const width = container.clientWidth, height = container.clientHeight;
    const scale = Math.min(1, 0.96 * Math.min(width / (right - left || 1),
      height / (bottom - top || 1)));
    network.moveTo({ position: { x: (left + right) / 2, y: (top + bottom) / 2 }, scale,
      animation: false });
    capLabels();
  }

  // -- first drawing ----------------------------------------------------------------------
  network.on("afterDrawing", () => {
    if (document.body.dataset.ready !== "1") document.body.dataset.ready = "1";
  });
  network.setData({ nodes: nodes, edges: edges });
  if (mode === "map") place("map");
  else fitView();
  if (data.physics) physicsButton.click();

  function edgeCenter(id) {
    const point = network.body.edges[id].edgeType.getPoint(0.5);
    return network.canvasToDOM(point);
  }

  function drawn() {
    return { nodes: network.body.nodeIndices.length, edges: network.body.edgeIndices.length };
  }

  window.octographView = {
    network, nodes, edges, focus, edgeCenter, drawn, selectNode, place, highlight,
  };
});
