import { useState } from 'preact/hooks';

/** A value kept in this tab's sessionStorage: gone when the tab closes. */
function storedValue(key: string): string {
  try {
    return sessionStorage.getItem(key) ?? '';
  } catch {
    return '';
  }
}

function storeValue(key: string, value: string): void {
  try {
    if (value === '') sessionStorage.removeItem(key);
    else sessionStorage.setItem(key, value);
  } catch {
    // Storage refused (private mode): the value lives in the page only.
  }
}

/** A text field's value, read from this tab's sessionStorage at first and written back on every change. */
export function useSessionValue(key: string): [string, (value: string) => void] {
  const [value, setValue] = useState(() => storedValue(key));
  const change = (next: string) => {
    setValue(next);
    storeValue(key, next);
  };
  return [value, change];
}
