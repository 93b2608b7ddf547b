/** Labels of the GPIO chips that drive the 40-pin header: Pi 3 and Zero 2 W, Pi 4, Pi 5 (RP1). */
export const HEADER_CHIP_LABELS = Object.freeze(["pinctrl-bcm2835", "pinctrl-bcm2711", "pinctrl-rp1"]);

/** Returns the labels to accept: the configured one, or the header chips. */
export function acceptedChipLabels(configured: string | undefined): readonly string[] {
  return configured === undefined ? HEADER_CHIP_LABELS : [configured];
}
