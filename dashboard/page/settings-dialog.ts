/** The settings dialog, which prompts for the read token and the API base URL and opens again with a message after a 401. */
import { loadSettings, normaliseApiBase, saveSettings, type Settings } from "./settings.ts";

export interface SettingsDialogElements {
  dialog: HTMLDialogElement;
  form: HTMLFormElement;
  message: HTMLElement;
  token: HTMLInputElement;
  apiBase: HTMLInputElement;
  cancel: HTMLButtonElement;
  forget: HTMLButtonElement;
  open: HTMLButtonElement;
}

/** Opens the dialog on request and reports saved settings to `onSave`. */
export class SettingsDialog {
  readonly #elements: SettingsDialogElements;
  readonly #storage: Storage;

  constructor(elements: SettingsDialogElements, storage: Storage, onSave: (settings: Settings) => void) {
    this.#elements = elements;
    this.#storage = storage;
    const { dialog, form, token, apiBase, cancel, forget, open } = elements;

    open.addEventListener("click", () => this.open());
    cancel.addEventListener("click", () => dialog.close());
    forget.addEventListener("click", () => {
      saveSettings(storage, { ...loadSettings(storage), token: "" });
      token.value = "";
      this.#showMessage("The token is forgotten. Enter a read token to see data again");
      token.focus();
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      let base: string;
      try {
        base = normaliseApiBase(apiBase.value);
      } catch (error) {
        this.#showMessage(error instanceof Error ? error.message : String(error));
        apiBase.focus();
        return;
      }
      const settings = { token: token.value.trim(), apiBase: base };
      if (settings.token === "") {
        this.#showMessage("Enter the read token");
        token.focus();
        return;
      }
      saveSettings(storage, settings);
      dialog.close();
      onSave(settings);
    });
  }

  /** Opens the dialog with the stored values, and `message` above the fields when given. */
  open(message?: string): void {
    const { dialog, token, apiBase } = this.#elements;
    const stored = loadSettings(this.#storage);
    token.value = stored.token;
    apiBase.value = stored.apiBase;
    if (message === undefined) this.#elements.message.hidden = true;
    else this.#showMessage(message);
    if (!dialog.open) dialog.showModal();
    token.focus();
    token.select();
  }

  #showMessage(message: string): void {
    this.#elements.message.textContent = message;
    this.#elements.message.hidden = false;
  }
}
