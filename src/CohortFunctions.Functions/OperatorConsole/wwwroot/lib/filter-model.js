// The segment builder's model and the segments API's filter language (docs/segments.md), both ways:
// a group is { type: 'group', op: 'and' | 'or', items: [...] }, a row { type: 'row', partner, mode, cohortId }
// with mode 'includes' or 'excludes'.

export const MAX_DEPTH = 8;

export function newRow(partner = '') {
  return { type: 'row', partner, mode: 'includes', cohortId: '' };
}

export function newGroup(op = 'and', items = []) {
  return { type: 'group', op, items };
}

/** The builder's model of an API filter; a lone condition becomes a group of one. */
export function fromFilter(filter) {
  const node = parse(filter);
  return node.type === 'group' ? node : newGroup('and', [node]);
}

function parse(filter) {
  const [operator] = Object.keys(filter);
  const value = filter[operator];
  if (operator === 'includes' || operator === 'excludes') {
    return { type: 'row', partner: value.partner, mode: operator, cohortId: value.cohort_id };
  }
  return newGroup(operator, value.map(parse));
}

/** Whether every row names a cohort (only then is there a filter to size or save). */
export function isComplete(group) {
  return group.items.length > 0 && group.items.every((item) => (item.type === 'row' ? Boolean(item.partner && item.cohortId) : isComplete(item)));
}

/** The API's filter for a complete model: a group of one is its only item. */
export function toFilter(node) {
  if (node.type === 'row') {
    return { [node.mode]: { partner: node.partner, cohort_id: node.cohortId } };
  }
  const items = node.items.map(toFilter);
  return items.length === 1 ? items[0] : { [node.op]: items };
}
