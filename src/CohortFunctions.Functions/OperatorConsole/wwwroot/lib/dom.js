// Builds DOM nodes. Text is always set as text (createTextNode, textContent), never parsed as markup: the
// console shows names that arrive from partners and ids that arrive from anyone. There is no innerHTML anywhere,
// and the Content-Security-Policy enforces Trusted Types with no policy, so markup sinks would throw.

const SVG_NS = 'http://www.w3.org/2000/svg';

function apply(element, props) {
  if (!props) return element;
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') {
      element.setAttribute('class', Array.isArray(value) ? value.filter(Boolean).join(' ') : value);
    } else if (name === 'text') {
      element.textContent = String(value);
    } else if (name === 'dataset') {
      for (const [key, data] of Object.entries(value)) element.dataset[key] = String(data);
    } else if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (name === 'value' && 'value' in element) {
      element.value = String(value);
    } else if (name === 'checked' || name === 'selected' || name === 'disabled') {
      element[name] = Boolean(value);
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** An HTML element: h('p', { class: 'x' }, 'text', otherNode). */
export function h(tag, props, ...children) {
  return append(apply(document.createElement(tag), props), children);
}

/** An SVG element. */
export function s(tag, props, ...children) {
  return append(apply(document.createElementNS(SVG_NS, tag), props), children);
}

let nextId = 0;

/** A document-unique id for label/for and aria-describedby pairs. */
export function uid(prefix = 'c') {
  nextId += 1;
  return `${prefix}-${nextId}`;
}
