// Tiny DOM helpers shared by the citizen page and the officer console.
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<Record<string, string>> = {},
  ...children: Array<Node | string>
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag)
  for (const [k, v] of Object.entries(props)) if (v !== undefined) el.setAttribute(k, v)
  el.append(...children)
  return el
}

export const $ = <T extends HTMLElement = HTMLElement>(sel: string) => document.querySelector(sel) as T

export function show(el: HTMLElement, ...children: Array<Node | string>) {
  el.replaceChildren(...children)
}

/** Marks a form field whose typed value must survive a re-render (`showKeepingEdits`), under a stable key. */
export function keepEdits<T extends HTMLInputElement | HTMLSelectElement>(field: T, key: string): T {
  field.dataset.keep = key
  field.addEventListener('input', () => (field.dataset.edited = '1'))
  return field
}

/**
 * `show` for a panel that re-renders while the officer types (it refreshes while OCR runs): fields
 * marked with `keepEdits` and edited get their values back, and the focus stays where it was.
 */
export function showKeepingEdits(el: HTMLElement, ...children: Array<Node | string>) {
  const fields = () => el.querySelectorAll<HTMLInputElement | HTMLSelectElement>('[data-keep]')
  const edited = new Map<string, string>()
  for (const f of fields()) if (f.dataset.edited) edited.set(f.dataset.keep!, f.value)
  const focused = document.activeElement instanceof HTMLElement && el.contains(document.activeElement) ? document.activeElement.dataset.keep : undefined
  show(el, ...children)
  for (const f of fields()) {
    const value = edited.get(f.dataset.keep!)
    if (value !== undefined) {
      f.value = value
      f.dataset.edited = '1'
    }
    if (focused !== undefined && f.dataset.keep === focused) f.focus()
  }
}

export async function api(method: string, path: string, body?: unknown, token?: string) {
  const headers: Record<string, string> = {}
  if (body !== undefined) headers['content-type'] = 'application/json'
  if (token) headers.authorization = `Bearer ${token}`
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' })
  const data = await res.json().catch(() => ({}))
  if (!res.ok) throw Object.assign(new Error(data.message ?? '请求失败'), { code: data.code ?? 'HTTP_' + res.status })
  return data
}
