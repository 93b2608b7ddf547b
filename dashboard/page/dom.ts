/** Typed element look-up for the page's fixed markup in index.html. */

/**
 * Returns the element with `id`, checked against the expected class.
 * @throws {TypeError} when index.html lacks the element or it has another type
 */
export function byId<T extends HTMLElement>(id: string, type: abstract new () => T): T {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new TypeError(`index.html is missing the ${type.name} #${id}`);
  return element;
}

/** Creates an element with text content. */
export function element<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] {
  const created = document.createElement(tag);
  if (text !== undefined) created.textContent = text;
  if (className !== undefined) created.className = className;
  return created;
}
