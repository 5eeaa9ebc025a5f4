// The management API, as curl calls it (docs/api.md): the console is a client of it and nothing more. Errors
// carry the API's own message; a 401 ends the session and sends the operator back to sign in.

import { session } from './session.js';

export class ApiError extends Error {
  constructor(status, message, requestId) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.requestId = requestId ?? null;
  }
}

let unauthorized = () => {};

/** Called with the ApiError of any 401, except where a call passes its own key (the sign-in check). */
export function onUnauthorized(handler) {
  unauthorized = handler;
}

export async function request(method, path, { body, signal, key } = {}) {
  const headers = { Accept: 'application/json' };
  const functionKey = key ?? session.key();
  if (functionKey) headers['x-functions-key'] = functionKey;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
      cache: 'no-store',
      credentials: 'same-origin',
    });
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    throw new ApiError(0, 'The app did not answer. Check that it is running and reachable, then try again.');
  }
  if (response.status === 204) return null;
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!response.ok) {
    // The Functions host refuses a missing or wrong function key itself, with a bare 401.
    const fallback = response.status === 401 ? 'The Functions host refused the function key.' : `HTTP ${response.status}`;
    const message = data && typeof data.message === 'string' ? data.message : fallback;
    const error = new ApiError(response.status, message, data?.request_id);
    if (response.status === 401 && key === undefined) unauthorized(error);
    throw error;
  }
  return data;
}

const enc = encodeURIComponent;

/** The paths of the management API for the signed-in workspace. */
export function api(workspace) {
  const ws = `/manage/workspaces/${enc(workspace)}`;
  const cohort = (partner, cohortId) => `${ws}/cohorts/${enc(partner)}/${enc(cohortId)}`;
  const query = (params) => {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(params)) {
      if (value !== undefined && value !== null && value !== '') search.set(name, value);
    }
    const text = search.toString();
    return text ? `?${text}` : '';
  };
  return {
    workspaces: (options) => request('GET', '/manage/workspaces', options),
    partners: (options) => request('GET', '/manage/partners', options),
    keys: (partner, options) => request('GET', `${ws}/partners/${enc(partner)}/keys`, options),
    generateKey: (partner) => request('POST', `${ws}/partners/${enc(partner)}/keys`),
    invalidateKey: (partner, keyId) => request('DELETE', `${ws}/partners/${enc(partner)}/keys/${enc(keyId)}`),
    cohorts: (options) => request('GET', `${ws}/cohorts`, options),
    members: (partner, cohortId, limit, continuation, options) =>
      request('GET', `${cohort(partner, cohortId)}/members${query({ limit, continuation })}`, options),
    setCadence: (partner, cohortId, cadence) => request('PUT', `${cohort(partner, cohortId)}/schedule`, { body: { cadence } }),
    resync: (partner, cohortId) => request('POST', `${cohort(partner, cohortId)}/resync`),
    cohortFilters: (options) => request('GET', `${ws}/cohort-filters`, options),
    segments: (options) => request('GET', `${ws}/segments`, options),
    segment: (segmentId, options) => request('GET', `${ws}/segments/${enc(segmentId)}`, options),
    createSegment: (body) => request('POST', `${ws}/segments`, { body }),
    updateSegment: (segmentId, body) => request('PUT', `${ws}/segments/${enc(segmentId)}`, { body }),
    deleteSegment: (segmentId) => request('DELETE', `${ws}/segments/${enc(segmentId)}`),
    segmentUsers: (segmentId, limit, continuation, options) =>
      request('GET', `${ws}/segments/${enc(segmentId)}/users${query({ limit, continuation })}`, options),
    segmentSize: (filter, options) => request('POST', `${ws}/segment-size`, { ...options, body: { filter } }),
    cohortHistory: (partner, cohortId, limit, continuation, options) =>
      request('GET', `${cohort(partner, cohortId)}/history${query({ limit, continuation })}`, options),
    syncHistory: (params, options) => request('GET', `${ws}/sync-history${query(params)}`, options),
    dataPoints: (from, to, options) => request('GET', `${ws}/data-points${query({ from, to })}`, options),
    lookupUser: (params, options) => request('GET', `${ws}/users/lookup${query(params)}`, options),
  };
}
