// The behaviour of octograph's graph page (octograph/view/templates/view.html).
// Inlined into the page and allowed by its hash in the Content-Security-Policy.
// Every text from the data reaches the DOM through textContent or an attribute property,
// never innerHTML, so labels and quotes are always shown as text.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("og-data").textContent);
  // Unpack the tables written by GraphView._page_data (octograph/view/page.py); edge ids are
  // "e" + position, as there.
  const passages = data.passages.map(([number, quote]) => ({ number, quote }));
  data.nodes = data.nodes.map(([id, label, c, size, degree, x, y, description, iri]) => ({
    id, label, category: data.categories[c].name, color: data.categories[c].color, size,
    degree, x, y, description, iri: iri || id,
  }));
  data.edges = data.edges.map(([from, to, p, label, quotes, smooth], i) => ({
    id: "e" + i, from: data.nodes[from].id, to: data.nodes[to].id,
    predicate: data.predicates[p].iri, label: data.labels[label],
    passages: quotes.map((k) => passages[k]), smooth,
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
  const nodes = new vis.DataSet(data.nodes.map((n) => {
    const item = { id: n.id, color: n.color, size: n.size, x: n.x, y: n.y };
    if (!data.lazyNodeLabels) item.label = n.label;
    return item;
  }));
  const edges = new vis.DataSet(data.edges.map((e) => {
    const item = { id: e.id, from: e.from, to: e.to };
    if (data.edgeLabels) item.label = e.label;
    if (e.smooth) item.smooth = e.smooth;
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
    const swatch = el("span", undefined, "og-swatch");
    swatch.style.backgroundColor = node.color;
    line.append(swatch, el("span", node.category));
    return line;
  }

  function linkSection(title, list, otherEnd, arrow) {
    if (list.length === 0) return [];
    const items = el("ul", undefined, "og-links");
    for (const e of list) {
      const item = el("li");
      item.dataset.edge = e.id;
      if (arrow === "out") item.append(el("span", e.label + " \u2192 "), nodeButton(otherEnd(e)));
      else item.append(nodeButton(otherEnd(e)), el("span", " \u2192 " + e.label));
      if (e.passages.length) item.append(quoteList(e.passages));
      items.append(item);
    }
    return [el("h3", title + " (" + list.length + ")"), items];
  }

  function showNode(id) {
    const node = byId.get(id);
    panelBody.replaceChildren(
      el("h2", node.label),
      categoryLine(node),
      ...(node.description ? [el("p", node.description, "og-description")] : []),
      el("p", node.iri, "og-iri"),
      ...linkSection("Outgoing", outgoing.get(id), (e) => e.to, "out"),
      ...linkSection("Incoming", incoming.get(id), (e) => e.from, "in"),
    );
    panel.dataset.kind = "node";
    panel.dataset.id = id;
    panel.hidden = false;
  }

  function showEdge(id) {
    const edge = edgeById.get(id);
    const ends = el("p", undefined, "og-ends");
    ends.append(nodeButton(edge.from), el("span", " \u2192 " + edge.label + " \u2192 "),
      nodeButton(edge.to));
    panelBody.replaceChildren(
      el("h2", edge.label),
      ends,
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
    network.focus(id, { scale: Math.max(network.getScale(), 1.0), animation: false });
    labelNodesInView();
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
  }
  let labelTimer = null;
  function labelSoon() {
    clearTimeout(labelTimer);
    labelTimer = setTimeout(labelNodesInView, 150);
  }
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
      const hidden = !categoryOn.get(n.category);
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

  function checkbox(fieldset, key, text, count, state, color, tooltip) {
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
    if (color) {
      const swatch = el("span", undefined, "og-swatch");
      swatch.style.backgroundColor = color;
      label.append(swatch);
    }
    label.append(el("span", text), el("span", String(count), "og-count"));
    if (tooltip) label.title = tooltip;
    fieldset.append(label);
  }

  const categoryBox = document.getElementById("og-categories");
  for (const c of data.categories) {
    checkbox(categoryBox, c.name, c.name, c.count, categoryOn, c.color, "");
  }
  const predicateBox = document.getElementById("og-predicates");
  for (const p of data.predicates) {
    checkbox(predicateBox, p.iri, p.label, p.count, predicateOn, "", p.iri);
  }

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

  // -- first drawing ----------------------------------------------------------------------
  // With physics, the simulation runs a fixed number of iterations, then stops for good so
  // the picture holds still; "ready" is the first drawing after that.
  let settled = !data.physics;
  network.once("stabilizationIterationsDone", () => {
    network.setOptions({ physics: { enabled: false } });
    settled = true;
    network.redraw();
  });
  network.on("afterDrawing", () => {
    if (settled && document.body.dataset.ready !== "1") document.body.dataset.ready = "1";
  });
  network.setData({ nodes: nodes, edges: edges });

  function edgeCenter(id) {
    const point = network.body.edges[id].edgeType.getPoint(0.5);
    return network.canvasToDOM(point);
  }

  function drawn() {
    return { nodes: network.body.nodeIndices.length, edges: network.body.edgeIndices.length };
  }

  window.octographView = { network, nodes, edges, focus, edgeCenter, drawn, selectNode };
})();
