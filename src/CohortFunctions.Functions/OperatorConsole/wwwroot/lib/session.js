// The operator's session: the function key and the workspace, in sessionStorage only (never a cookie, a URL or
// localStorage), so they end with the tab and are not sent anywhere but in the x-functions-key header.

const KEY = 'cohort-console.function-key';
const WORKSPACE = 'cohort-console.workspace';

export const session = {
  /** The function key; '' where the app needs none (a local host without LocalHost__FunctionKey). */
  key() {
    return sessionStorage.getItem(KEY) ?? '';
  },
  hasKey() {
    return sessionStorage.getItem(KEY) !== null;
  },
  workspace() {
    return sessionStorage.getItem(WORKSPACE);
  },
  signedIn() {
    return this.hasKey() && Boolean(this.workspace());
  },
  setKey(key) {
    sessionStorage.setItem(KEY, key);
  },
  setWorkspace(workspace) {
    sessionStorage.setItem(WORKSPACE, workspace);
  },
  signOut() {
    sessionStorage.removeItem(KEY);
    sessionStorage.removeItem(WORKSPACE);
  },
};
