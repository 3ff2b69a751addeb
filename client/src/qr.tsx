import { useEffect, useState } from 'preact/hooks';

/** A QR code of `text` as an image (the generator loads only when a code is first shown). */
async function qrDataUrl(text: string): Promise<string> {
  const { default: qrcode } = await import('qrcode-generator');
  const code = qrcode(0, 'M');
  code.addData(text, 'Byte');
  code.make();
  return code.createDataURL(6, 2);
}

/** A QR code for phones to scan (a guest link, a check-in code), named for screen readers by `label`. */
export function QrImage({ text, label }: { text: string; label: string }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    void qrDataUrl(text).then((url) => live && setSrc(url), () => {});
    return () => {
      live = false;
    };
  }, [text]);
  return src ? <img class="qr" src={src} alt={label} width={180} height={180} /> : <span class="qr" role="img" aria-label={label} aria-busy="true" />;
}
