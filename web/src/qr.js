// A QR code drawn in the browser (qrcode-generator) as a data: image, which the CSP allows.
import qrcode from "qrcode-generator";
import { h } from "./dom.js";

export function qrImage(text, alt) {
  const qr = qrcode(0, "M");
  qr.addData(text);
  qr.make();
  return h("img", { class: "qr", src: qr.createDataURL(6, 4), alt, width: "240", height: "240" });
}
